using Buquet.Actors.Protocol;

namespace Buquet.Actors.Worker;

/// <summary>What woke a claim (ADR 0027): the tag of <c>buquet.worker.pickups</c> and a field of <see cref="WorkerPickups"/>.</summary>
internal enum PickupPath
{
    /// <summary>The regular cadence: an active poll, the idle discovery LIST, a poll after a batch or freed capacity.</summary>
    Poll,

    /// <summary>The S3 wake-up hint moved and brought the poll forward.</summary>
    Hint,

    /// <summary>A clustered fleet's message: a pushed ready key claimed directly, or a poll a push or relay brought forward.</summary>
    Push,
}

/// <summary>
/// This process's pickups (claims won) by the path that woke them (ADR 0027): counted by the supervisor, read by the
/// registry heartbeat for the <c>pickups</c> extension of <c>workers/{id}.json</c>, and mirrored in the
/// <c>buquet.worker.pickups{path}</c> counter. Thread-safe.
/// </summary>
internal sealed class PickupCounter
{
    private long _push;
    private long _hint;
    private long _poll;

    /// <summary>The metric tag of <paramref name="path"/>: <c>push</c>, <c>hint</c> or <c>poll</c>.</summary>
    public static string Tag(PickupPath path) => path switch
    {
        PickupPath.Push => "push",
        PickupPath.Hint => "hint",
        _ => "poll",
    };

    /// <summary>Counts one claim won after <paramref name="path"/> woke it.</summary>
    public void Add(PickupPath path)
    {
        switch (path)
        {
            case PickupPath.Push:
                Interlocked.Increment(ref _push);
                break;
            case PickupPath.Hint:
                Interlocked.Increment(ref _hint);
                break;
            default:
                Interlocked.Increment(ref _poll);
                break;
        }

        Diagnostics.BuquetTelemetry.WorkerPickedUp(Tag(path));
    }

    /// <summary>The totals so far.</summary>
    public WorkerPickups Snapshot() => new(Interlocked.Read(ref _push), Interlocked.Read(ref _hint), Interlocked.Read(ref _poll));
}
