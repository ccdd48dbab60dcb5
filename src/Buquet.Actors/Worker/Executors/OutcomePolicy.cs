using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Worker.Executors;

internal enum DecisionKind
{
    Complete,
    Retry,
    Fail,
    Reschedule,
    Cancel,
    Discard,
}

/// <summary>What to write for a finished handler.</summary>
internal sealed record Decision(DecisionKind Kind, string? Error = null, TimeSpan Delay = default);

/// <summary>Maps a handler's outcome to a transition (documented in docs/architecture.md "Worker actors").</summary>
internal static class OutcomePolicy
{
    public const string TimeoutError = "Task execution timed out";
    public const string ShutdownError = "Worker shut down before the task finished";
    public const string CancelRequestedError = "Cancelled: cancellation was requested while the task was running";

    public static Decision Decide(Exception? error, TaskCancellationReason reason)
    {
        if (error is null)
        {
            return new Decision(DecisionKind.Complete);
        }

        if (error is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            error = aggregate.InnerExceptions[0];
        }

        return error switch
        {
            RescheduleTaskException r => new Decision(DecisionKind.Reschedule, Delay: r.Delay),
            PermanentTaskException p => new Decision(DecisionKind.Fail, "Permanent error: " + p.Message),
            InvalidTaskInputException i => new Decision(DecisionKind.Fail, "Permanent error: " + i.Message),
            RetryableTaskException r => new Decision(DecisionKind.Retry, "Retryable error: " + r.Message),
            OperationCanceledException when reason != TaskCancellationReason.None => ForCancellation(reason),
            _ => new Decision(DecisionKind.Retry, $"{error.GetType().Name}: {error.Message}"),
        };
    }

    public static Decision ForCancellation(TaskCancellationReason reason) => reason switch
    {
        TaskCancellationReason.Timeout => new Decision(DecisionKind.Retry, TimeoutError),
        TaskCancellationReason.Shutdown => new Decision(DecisionKind.Retry, ShutdownError),
        TaskCancellationReason.CancelRequested => new Decision(DecisionKind.Cancel, CancelRequestedError),
        _ => new Decision(DecisionKind.Discard),
    };
}
