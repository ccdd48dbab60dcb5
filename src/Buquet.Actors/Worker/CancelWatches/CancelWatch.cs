using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Worker.CancelWatches;

/// <summary>
/// Protocol of the cancel watch (ADR 0017, INTERNAL API): one actor per worker that, every
/// <c>worker.cancel-check-interval</c>, asks the supervisor which tasks run in which shard, HEADs the cancel hint of each
/// of those shards once, and tells the executors of a shard whose hint moved to re-read their task
/// (<see cref="Executors.Executor.CheckCancel"/>). Its cost per check is one HEAD per shard with running tasks, whatever
/// the number of tasks.
/// </summary>
internal static class CancelWatch
{
    /// <summary>Marker for the cancel watch's messages.</summary>
    public interface ICancelWatchMessage;

    /// <summary>To the supervisor: which tasks run now? Replied with <see cref="RunningTasks"/>.</summary>
    public sealed class GetRunningTasks
    {
        public static readonly GetRunningTasks Instance = new();

        private GetRunningTasks()
        {
        }
    }

    /// <summary>One running execution: its task, shard, claim time (store clock) and executor.</summary>
    public sealed record RunningTask(Guid TaskId, string Shard, DateTimeOffset ClaimedAt, IActorRef Executor);

    /// <summary>The supervisor's reply to <see cref="GetRunningTasks"/>.</summary>
    public sealed record RunningTasks(IReadOnlyList<RunningTask> Tasks) : ICancelWatchMessage;

    /// <summary>
    /// Published on the event stream after every check: hints HEADed (one per shard with running tasks, unless a HEAD
    /// failed), running tasks, and executors told to re-read.
    /// </summary>
    public sealed record Checked(int HintsChecked, int RunningTasks, int ReReads);

    /// <summary>Timer: time for a check.</summary>
    internal sealed class Check : ICancelWatchMessage
    {
        public static readonly Check Instance = new();

        private Check()
        {
        }
    }

    /// <summary>Props of the watch checking every <paramref name="interval"/>; <paramref name="supervisor"/> answers <see cref="GetRunningTasks"/>.</summary>
    public static Props Props(WorkerRuntime runtime, IActorRef supervisor, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The cancel check interval must be positive.");
        }

        return ActorProps.FromFactory(() => new CancelWatchActor(runtime, supervisor, interval));
    }
}
