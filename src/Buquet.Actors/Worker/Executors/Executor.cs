using System.Text.Json;
using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Worker.Executors;

/// <summary>Protocol of the executor: runs one claimed task's handler and commits the outcome (INTERNAL API).</summary>
internal static class Executor
{
    /// <summary>Marker for the executor's messages.</summary>
    public interface IExecutorMessage;

    /// <summary>Fire the handler's cancellation token (shutdown after the drain deadline).</summary>
    public sealed record CancelExecution(TaskCancellationReason Reason) : IExecutorMessage;

    /// <summary>
    /// From the cancel watch: this task's shard hint moved; re-read the task and cancel the handler when
    /// <c>cancel_requested</c> is set under this execution's lease (ADR 0017).
    /// </summary>
    public sealed class CheckCancel : IExecutorMessage
    {
        public static readonly CheckCancel Instance = new();

        private CheckCancel()
        {
        }
    }

    /// <summary>To the parent: the execution is over and its concurrency slot is free.</summary>
    public sealed record ExecutionFinished(Guid TaskId, string TaskType, ExecutionResult Outcome, string? Detail) : IExecutorMessage;

    /// <summary>
    /// Stop without finishing (shutdown grace over): the lease is left to expire. A message rather than a system stop,
    /// so an executor in the middle of its commit finishes the commit first.
    /// </summary>
    public sealed class Abandon : IExecutorMessage
    {
        public static readonly Abandon Instance = new();

        private Abandon()
        {
        }
    }

    internal sealed class Start
    {
        public static readonly Start Instance = new();

        private Start()
        {
        }
    }

    internal sealed record HandlerDone(JsonElement? Output, Exception? Error);

    internal sealed class TimeoutTick
    {
        public static readonly TimeoutTick Instance = new();

        private TimeoutTick()
        {
        }
    }

    internal sealed class AbandonTick
    {
        public static readonly AbandonTick Instance = new();

        private AbandonTick()
        {
        }
    }

    /// <summary>Props for the executor of <paramref name="claimed"/> (the claim's snapshot: no extra GET to commit).</summary>
    public static Props Props(WorkerRuntime runtime, TaskSnapshot claimed, DateTimeOffset claimedAt) =>
        ActorProps.FromFactory(() => new ExecutorActor(runtime, claimed, claimedAt))
            .WithSupervisorStrategy(SupervisorStrategy.StoppingStrategy);
}

/// <summary>How an execution ended.</summary>
internal enum ExecutionResult
{
    /// <summary>T3 written.</summary>
    Completed,

    /// <summary>T4 written (back to pending with backoff).</summary>
    Retried,

    /// <summary>T5 written.</summary>
    Failed,

    /// <summary>T6 written.</summary>
    Rescheduled,

    /// <summary>T9b written: the handler stopped on a cancellation request; the task is cancelled.</summary>
    Cancelled,

    /// <summary>Nothing written: the lease was lost, not trusted any more, or the CAS was refused.</summary>
    Discarded,
}
