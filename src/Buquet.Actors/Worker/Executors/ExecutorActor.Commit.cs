using Akka.Actor;
using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Executors;

/// <summary>The commit facet: trust check, CAS write with fencing, report to the parent, stop.</summary>
internal sealed partial class ExecutorActor
{
    private async Task FinishAsync(Decision decision)
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        Timers.CancelAll();
        if (_renewer is not null)
        {
            Context.Unwatch(_renewer);
            Context.Stop(_renewer);
        }

        var (result, detail) = await CommitAsync(decision);
        await LogEndAsync(Outcome(result));
        RecordTelemetry(result, detail);
        Context.Parent.Tell(new Executor.ExecutionFinished(Task.Id, Task.TaskType, result, detail));
        Context.Stop(Self);
    }

    /// <summary>buquet's metric names (protocol §6.5) and the per-execution Activity; see Diagnostics/BuquetTelemetry.</summary>
    private void RecordTelemetry(ExecutionResult result, string? detail)
    {
        var duration = _startedAt == 0 ? (TimeSpan?)null : _runtime.Time.GetElapsedTime(_startedAt);
        var type = Task.TaskType;
        switch (result)
        {
            case ExecutionResult.Completed:
                Diagnostics.BuquetTelemetry.TaskCompleted(type, duration ?? TimeSpan.Zero);
                break;
            case ExecutionResult.Failed or ExecutionResult.Retried:
                Diagnostics.BuquetTelemetry.TaskFailed(type, FailureReason(detail), duration);
                break;
            case ExecutionResult.Rescheduled:
                Diagnostics.BuquetTelemetry.TaskRescheduled(type, TimeSpan.Zero);
                break;
            case ExecutionResult.Cancelled:
                Diagnostics.BuquetTelemetry.TaskCancelled(type);
                break;
            default:
                break;
        }

        Diagnostics.BuquetTelemetry.SetTaskOutcome(_activity, result.ToString().ToLowerInvariant(), detail);
        _activity?.Dispose();
        _activity = null;
        _inFlight?.Dispose();
        _inFlight = null;
    }

    private static Diagnostics.TaskFailureReason FailureReason(string? detail) =>
        detail is null ? Diagnostics.TaskFailureReason.Retryable
        : detail.Contains("timed out", StringComparison.OrdinalIgnoreCase) ? Diagnostics.TaskFailureReason.Timeout
        : detail.StartsWith("Permanent error", StringComparison.Ordinal) ? Diagnostics.TaskFailureReason.Permanent
        : Diagnostics.TaskFailureReason.Retryable;

    private async Task<(ExecutionResult Result, string? Detail)> CommitAsync(Decision decision)
    {
        if (decision.Kind == DecisionKind.Discard)
        {
            _logger.LogWarning("Task {TaskId}: result discarded ({Detail})", Task.Id, decision.Error);
            return (ExecutionResult.Discarded, decision.Error);
        }

        decision = LimitOutput(decision);
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await TryCommitAsync(decision);
            }
            catch (ObjectStoreUnavailableException ex)
            {
                // Writers back off with jitter and try again while the lease is still trusted.
                _logger.LogWarning(ex, "Task {TaskId}: store unavailable while committing {Kind}; retrying in {Delay}", Task.Id, decision.Kind, backoff);
                await System.Threading.Tasks.Task.Delay(backoff * (0.5 + _runtime.Random()), _runtime.Time);
                backoff = backoff * 2 > _runtime.Settings.UnavailableBackoff * 4 ? _runtime.Settings.UnavailableBackoff * 4 : backoff * 2;
            }
        }
    }

    private async Task<(ExecutionResult Result, string? Detail)> TryCommitAsync(Decision decision)
    {
        {
            var now = await _runtime.Clock.NowAsync();
            if (now >= _trustedUntil)
            {
                // Never commit after trust ends: the task may already be recovered and running elsewhere.
                _logger.LogWarning("Task {TaskId}: lease not trusted since {TrustedUntil:O} (now {Now:O}); result discarded", Task.Id, _trustedUntil, now);
                return (ExecutionResult.Discarded, "lease not trusted");
            }

            var (outcome, result) = decision.Kind switch
            {
                DecisionKind.Complete => (await CompleteAsync(), ExecutionResult.Completed),
                DecisionKind.Retry => (await _runtime.Repository.RetryAsync(_held, decision.Error!, _runtime.Random), ExecutionResult.Retried),
                DecisionKind.Fail => (await _runtime.Repository.FailAsync(_held, decision.Error!), ExecutionResult.Failed),
                DecisionKind.Cancel => (await _runtime.Repository.CancelRunningAsync(_held, _claimedLastError, decision.Error!), ExecutionResult.Cancelled),
                _ => (await _runtime.Repository.RescheduleAsync(_held, decision.Delay), ExecutionResult.Rescheduled),
            };
            if (!outcome.Succeeded)
            {
                // CAS loss / fencing refusal: the task moved on without us; log and drop.
                _logger.LogWarning("Task {TaskId}: {Kind} not written: {Status} {Refusal} {Message}", Task.Id, decision.Kind, outcome.Status, outcome.Refusal, outcome.Message);
                return (ExecutionResult.Discarded, outcome.Message);
            }

            var status = outcome.Snapshot!.Task.Status;
            result = status switch
            {
                BuquetTaskStatus.Failed => ExecutionResult.Failed,
                BuquetTaskStatus.Completed => ExecutionResult.Completed,
                BuquetTaskStatus.Cancelled => ExecutionResult.Cancelled,
                _ => result,
            };
            return (result, decision.Error);
        }
    }

    /// <summary>A completion whose output is over <c>max-payload-size</c> becomes a permanent failure naming both sizes.</summary>
    private Decision LimitOutput(Decision decision)
    {
        if (decision.Kind != DecisionKind.Complete || _output is not { } element)
        {
            return decision;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(element, BuquetJsonContext.Default.JsonElement);
        var limit = _runtime.Settings.MaxPayloadSize;
        if (bytes.LongLength <= limit)
        {
            _outputBytes = bytes;
            return decision;
        }

        _output = null;
        return new Decision(DecisionKind.Fail, "Permanent error: " + PayloadTooLargeException.Describe("output", bytes.LongLength, limit)
            + " Return a smaller output, or store the data elsewhere and return a reference to it.");
    }

    private Task<TransitionOutcome> CompleteAsync()
    {
        if (_outputBytes is { } bytes && bytes.LongLength > _runtime.Settings.PayloadOffloadThreshold)
        {
            return OffloadAndCompleteAsync(bytes);
        }

        return _runtime.Repository.CompleteAsync(_held, _output);
    }

    private async Task<TransitionOutcome> OffloadAndCompleteAsync(byte[] bytes)
    {
        var key = TaskKeys.PayloadOutput(Task.Id);
        await _runtime.Store.PutAsync(key, bytes, PutCondition.None);
        return await _runtime.Repository.CompleteAsync(_held, null, key);
    }
}
