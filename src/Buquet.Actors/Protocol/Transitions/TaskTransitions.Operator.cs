namespace Buquet.Actors.Protocol.Transitions;

internal static partial class TaskTransitions
{
    /// <summary>
    /// T7 timeout recovery (monitor): a running task whose lease expired (<c>now &gt; lease_expires_at</c>) goes back to
    /// pending with backoff when a retry is left (T7a), else fails (T7b, keeping <c>worker_id</c> as peers do).
    /// </summary>
    public static TransitionResult RecoverTimeout(TaskRecord task, DateTimeOffset now, TimeoutRecoveryRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        if (task.Status != BuquetTaskStatus.Running)
        {
            return TransitionResult.WrongStatus(task, "recover", "running");
        }

        if (!task.IsLeaseExpiredAt(now))
        {
            return TransitionResult.Refused(Refusal.NotDue, $"Lease of task {task.Id} has not expired (expires {task.LeaseExpiresAt:O}).");
        }

        if (task.CanRetry)
        {
            return TransitionResult.Applied(task with
            {
                Status = BuquetTaskStatus.Pending,
                RetryCount = task.RetryCount + 1,
                AvailableAt = SafeTime.Add(now, task.RetryPolicy.DelayFor(task.RetryCount, request.Random)),
                LeaseId = null,
                LeaseExpiresAt = null,
                WorkerId = null,
                LastError = TimeoutRetryError,
                UpdatedAt = now,
            });
        }

        return TransitionResult.Applied(task with
        {
            Status = BuquetTaskStatus.Failed,
            CompletedAt = now,
            LeaseId = null,
            LeaseExpiresAt = null,
            LastError = $"Timeout after max retries ({task.RetryCount} attempts)",
            UpdatedAt = now,
        });
    }

    /// <summary>
    /// T9 request cancellation of a running task (cooperative). Already requested ⇒ unchanged. Beyond buquet's
    /// <c>cancel_requested=true</c>, a given reason goes into <c>last_error</c> and a given canceller into
    /// <c>cancelled_by</c> (both fields buquet peers already read and keep).
    /// </summary>
    public static TransitionResult RequestCancel(TaskRecord task, DateTimeOffset now, RequestCancelRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        if (task.Status != BuquetTaskStatus.Running)
        {
            return TransitionResult.WrongStatus(task, "request cancellation of", "running");
        }

        return task.CancelRequested
            ? TransitionResult.Unchanged(task)
            : TransitionResult.Applied(task with
            {
                CancelRequested = true,
                LastError = request.Reason ?? task.LastError,
                CancelledBy = request.CancelledBy ?? task.CancelledBy,
                UpdatedAt = now,
            });
    }

    /// <summary>
    /// T10 cancel: pending → cancelled. Improvement over buquet (§9.2 item 13, docs promise idempotency): cancelling an
    /// already cancelled task is a no-op success instead of an error; nothing is written, so peers see no difference.
    /// </summary>
    public static TransitionResult Cancel(TaskRecord task, DateTimeOffset now, CancelRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        if (task.Status == BuquetTaskStatus.Cancelled)
        {
            return TransitionResult.Unchanged(task);
        }

        if (task.Status != BuquetTaskStatus.Pending)
        {
            return TransitionResult.WrongStatus(task, "cancel", "pending tasks can be cancelled");
        }

        return TransitionResult.Applied(task with
        {
            Status = BuquetTaskStatus.Cancelled,
            CancelledAt = now,
            CancelledBy = request.CancelledBy,
            LastError = request.Reason ?? task.LastError,
            UpdatedAt = now,
        });
    }

    /// <summary>T11 expire: pending → expired (TTL passed: <c>now &gt;= expires_at</c>, unless forced). Already expired ⇒ unchanged.</summary>
    public static TransitionResult Expire(TaskRecord task, DateTimeOffset now, ExpireRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        if (task.Status == BuquetTaskStatus.Expired)
        {
            return TransitionResult.Unchanged(task);
        }

        if (task.Status != BuquetTaskStatus.Pending)
        {
            return TransitionResult.WrongStatus(task, "expire", "pending");
        }

        if (!request.Force && !task.IsExpiredAt(now))
        {
            return TransitionResult.Refused(Refusal.NotDue, $"Task {task.Id} has not reached its expiry.");
        }

        return TransitionResult.Applied(task with { Status = BuquetTaskStatus.Expired, ExpiredAt = now, UpdatedAt = now });
    }

    /// <summary>T12 replay: failed → pending now; resets retry_count, completed_at, last_error; keeps attempt.</summary>
    public static TransitionResult Replay(TaskRecord task, DateTimeOffset now, ReplayRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Status != BuquetTaskStatus.Failed)
        {
            return TransitionResult.WrongStatus(task, "replay", "failed");
        }

        // Improvement over T7b (which keeps worker_id on the failed task): a replayed pending task names no worker.
        return TransitionResult.Applied(task with
        {
            Status = BuquetTaskStatus.Pending,
            RetryCount = 0,
            AvailableAt = now,
            CompletedAt = null,
            LastError = null,
            WorkerId = null,
            CancelRequested = false,
            UpdatedAt = now,
        });
    }

    /// <summary>T13 archive: completed/failed → archived. Already archived ⇒ unchanged.</summary>
    public static TransitionResult Archive(TaskRecord task, DateTimeOffset now, ArchiveRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Status == BuquetTaskStatus.Archived)
        {
            return TransitionResult.Unchanged(task);
        }

        return task.Status is BuquetTaskStatus.Completed or BuquetTaskStatus.Failed
            ? TransitionResult.Applied(task with { Status = BuquetTaskStatus.Archived, UpdatedAt = now })
            : TransitionResult.WrongStatus(task, "archive", "completed or failed");
    }
}
