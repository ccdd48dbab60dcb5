using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Registry;

namespace Buquet.Host.Cli;

/// <summary>
/// What <c>submit --wait</c> says when its task is still pending after <see cref="After"/>: the live workers (fresh
/// heartbeat in <c>workers/</c>) and the task types they handle, when none of them advertises the task's type.
/// </summary>
internal static class SubmitWaitWarning
{
    /// <summary>How long a ready task may stay pending before the warning.</summary>
    public static readonly TimeSpan After = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The warning, or null when some live worker advertises <paramref name="taskType"/>. Workers that do not publish
    /// their types (buquet's Rust/Python workers) are listed as such: they may or may not handle it.
    /// </summary>
    public static async Task<string?> DescribeAsync(IObjectStore store, string taskType, DateTimeOffset now, TimeSpan healthThreshold, CancellationToken ct)
    {
        var live = await WorkerDirectory.ListLiveWorkersAsync(store, now, healthThreshold, null, ct);
        if (live.Any(w => w.TaskTypes?.Contains(taskType, StringComparer.Ordinal) == true))
        {
            return null;
        }

        var seen = live.Count == 0
            ? "no live worker is registered (no workers/ entry with a heartbeat in the last " + Buquet.Actors.Configuration.Durations.Format(healthThreshold) + ")"
            : "live workers: " + string.Join("; ", live.OrderBy(w => w.WorkerId, StringComparer.Ordinal).Select(Describe));
        var unknown = live.Any(w => w.TaskTypes is null);
        return $"the task is still pending after {Buquet.Actors.Configuration.Durations.Format(After)} and no live worker is known to handle task type '{taskType}'"
            + (unknown ? " (a worker that does not publish its types may still take it)" : "")
            + $"; {seen}. Still waiting: start a worker that handles '{taskType}', stop with Ctrl-C, or bound the wait with --wait-timeout.";
    }

    private static string Describe(WorkerInfo w) => w.TaskTypes switch
    {
        null => $"{w.WorkerId} (types not published)",
        { Count: 0 } => $"{w.WorkerId} (no handlers)",
        var types => $"{w.WorkerId} ({string.Join(", ", types)})",
    };
}
