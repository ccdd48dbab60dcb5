using Buquet.Actors.Diagnostics;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Worker.Executor;

/// <summary>
/// The execution-log facet (<c>buquet.worker.execution-log</c>): a start line right before the handler starts, an end
/// line with the outcome right after the commit (or when the executor is stopped before it could commit). Times are
/// the store clock as of the claim advanced by this process's monotonic clock (no request), and the local wall clock.
/// </summary>
internal sealed partial class ExecutorActor
{
    private Guid? _executionId;

    /// <summary>The store's time: the claim's store time plus the monotonic time elapsed since.</summary>
    private DateTimeOffset StoreNow() => _claimedAt + _runtime.Time.GetElapsedTime(_claimedTimestamp);

    private void LogStart()
    {
        if (_runtime.ExecutionLog is { } log)
        {
            _executionId = log.Start(Task.Id, Task.Attempt, Task.TaskType, Task.LeaseId, StoreNow(), _runtime.Time.GetUtcNow());
        }
    }

    private void LogEnd(string outcome)
    {
        if (_runtime.ExecutionLog is { } log && _executionId is { } id)
        {
            _executionId = null;
            log.End(id, Task.Id, Task.Attempt, Task.TaskType, Task.LeaseId, outcome, StoreNow(), _runtime.Time.GetUtcNow());
        }
    }

    /// <summary>The log's outcome for a committed result, refined by why the handler was cancelled.</summary>
    private string Outcome(ExecutionResult result)
    {
        var reason = (TaskCancellationReason)_reason;
        return result switch
        {
            ExecutionResult.Completed => ExecutionOutcomes.Completed,
            ExecutionResult.Rescheduled => ExecutionOutcomes.Rescheduled,
            ExecutionResult.Discarded => reason is TaskCancellationReason.CancelRequested or TaskCancellationReason.Shutdown
                ? ExecutionOutcomes.Cancelled
                : ExecutionOutcomes.LeaseLost,
            _ when reason == TaskCancellationReason.Timeout => ExecutionOutcomes.Timeout,
            _ when reason is TaskCancellationReason.CancelRequested or TaskCancellationReason.Shutdown => ExecutionOutcomes.Cancelled,
            ExecutionResult.Failed => ExecutionOutcomes.Failed,
            _ => ExecutionOutcomes.Retry,
        };
    }
}
