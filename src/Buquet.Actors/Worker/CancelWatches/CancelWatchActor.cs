using Akka.Actor;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Buquet.Actors.Worker.Executors;

namespace Buquet.Actors.Worker.CancelWatches;

/// <summary>
/// Brings a cancellation request to a running handler within the check interval (ADR 0017). Every interval: ask the
/// supervisor for the running tasks, HEAD <c>hints/cancel/{shard}</c> once per shard among them, and tell the executors
/// of a shard to re-read their task (<see cref="Executor.CheckCancel"/>, one GET each) when
/// <list type="bullet">
/// <item>the hint's ETag differs from the one this actor saw at its previous check of that shard, or</item>
/// <item>the task was not covered by a check yet and the hint was written since (shortly before) its claim: a request
///   made between the claim and the first check.</item>
/// </list>
/// No hint change, no re-read. A HEAD that fails leaves the shard's tasks to the next check (and to lease renewal).
/// </summary>
internal sealed class CancelWatchActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Margin on the claim-time comparison: <c>Last-Modified</c> has one-second resolution and the worker's store
    /// clock may differ from the canceller's by a second or two. A wider margin only costs a spurious GET.
    /// </summary>
    internal static readonly TimeSpan ClaimMargin = TimeSpan.FromSeconds(3);

    private const string CheckKey = "check";

    // Immutable after construction.
    private readonly WorkerRuntime _runtime;
    private readonly IActorRef _supervisor;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;

    // Actor-confined.
    private readonly Dictionary<string, string?> _etags = new(StringComparer.Ordinal);
    private HashSet<Guid> _covered = [];

    public CancelWatchActor(WorkerRuntime runtime, IActorRef supervisor, TimeSpan interval)
    {
        _runtime = runtime;
        _supervisor = supervisor;
        _interval = interval;
        _logger = runtime.LoggerFactory.CreateLogger<CancelWatchActor>();
        Receive<CancelWatch.Check>(_ =>
        {
            // The next check is due one interval after this one, however long the answer and the HEADs take.
            Timers.StartSingleTimer(CheckKey, CancelWatch.Check.Instance, _interval);
            _supervisor.Tell(CancelWatch.GetRunningTasks.Instance);
        });
        ReceiveAsync<CancelWatch.RunningTasks>(OnRunningTasksAsync);
    }

    protected override void PreStart() => Timers.StartSingleTimer(CheckKey, CancelWatch.Check.Instance, _interval);

    private async Task OnRunningTasksAsync(CancelWatch.RunningTasks running)
    {
        var covered = new HashSet<Guid>();
        var (headed, reReads) = (0, 0);
        var shards = running.Tasks.GroupBy(t => t.Shard, StringComparer.Ordinal).ToList();
        foreach (var shard in shards)
        {
            ObjectInfo? hint;
            try
            {
                hint = await _runtime.Store.HeadAsync(CancelHints.Key(shard.Key));
            }
            catch (ObjectStoreUnavailableException ex)
            {
                _logger.LogDebug(ex, "Cancel hint of shard {Shard} not readable; its tasks are checked next time", shard.Key);
                continue;
            }

            headed++;
            var moved = _etags.TryGetValue(shard.Key, out var before) && !string.Equals(before, hint?.ETag, StringComparison.Ordinal);
            _etags[shard.Key] = hint?.ETag;
            foreach (var task in shard)
            {
                covered.Add(task.TaskId);
                var unseen = !_covered.Contains(task.TaskId);
                if (hint is not null && (moved || (unseen && hint.LastModified >= task.ClaimedAt - ClaimMargin)))
                {
                    task.Executor.Tell(Executor.CheckCancel.Instance);
                    reReads++;
                }
            }
        }

        // Shards without running tasks are forgotten: a task claimed there later is judged by the claim-time rule.
        foreach (var idle in _etags.Keys.Where(k => !shards.Any(s => s.Key == k)).ToList())
        {
            _etags.Remove(idle);
        }

        _covered = covered;
        Context.System.EventStream.Publish(new CancelWatch.Checked(headed, running.Tasks.Count, reReads));
    }
}
