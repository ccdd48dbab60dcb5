using Akka.Actor;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Worker.Executors;

/// <summary>
/// The execution-log facet (<c>buquet.worker.execution-log</c>): a start line right before the handler starts, an end
/// line with the outcome right after the commit (or when the executor is stopped before it could commit). Times are
/// the worker's store clock (cached, advanced by the monotonic clock; the claim and the commit have just used it) and
/// the local wall clock.
/// </summary>
internal sealed partial class ExecutorActor
{
    private Guid? _executionId;

    /// <summary>Fallback when the store clock cannot answer: the claim's store time plus the monotonic time since.</summary>
    private DateTimeOffset EstimatedStoreNow() => _claimedAt + _runtime.Time.GetElapsedTime(_claimedTimestamp);

    private async ValueTask<DateTimeOffset> StoreNowAsync()
    {
        try
        {
            return await _runtime.Clock.NowAsync();
        }
        catch (Storage.ObjectStoreUnavailableException)
        {
            return EstimatedStoreNow();
        }
    }

    private async Task LogStartAsync()
    {
        if (_runtime.ExecutionLog is { } log)
        {
            _executionId = log.Start(Task.Id, Task.Attempt, Task.TaskType, Task.LeaseId, await StoreNowAsync(), _runtime.Time.GetUtcNow());
        }
    }

    private async Task LogEndAsync(string outcome)
    {
        if (_runtime.ExecutionLog is { } log && _executionId is { } id)
        {
            _executionId = null;
            log.End(id, Task.Id, Task.Attempt, Task.TaskType, Task.LeaseId, outcome, await StoreNowAsync(), _runtime.Time.GetUtcNow());
        }
    }

    /// <summary>From PostStop (no awaiting there): the estimate.</summary>
    private void LogAbandoned()
    {
        if (_runtime.ExecutionLog is { } log && _executionId is { } id)
        {
            _executionId = null;
            log.End(id, Task.Id, Task.Attempt, Task.TaskType, Task.LeaseId, ExecutionOutcomes.Abandoned, EstimatedStoreNow(), _runtime.Time.GetUtcNow());
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
            ExecutionResult.Cancelled => ExecutionOutcomes.Cancelled,
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
