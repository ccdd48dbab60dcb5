namespace Buquet.Actors.Protocol.Transitions;

/// <summary>
/// Every task transition of protocol §3.1, each once, as a pure function of (task, store time, request). No I/O:
/// <see cref="TaskRepository"/> does the compare-and-swap around them.
/// </summary>
internal static partial class TaskTransitions
{
    /// <summary>Peer text for T7a.</summary>
    public const string TimeoutRetryError = "Timeout - task exceeded lease duration";

    /// <summary>T2 claim: pending → running. Refused unless pending, not TTL-expired (<c>now &gt;= expires_at</c>), available (<c>now &gt;= available_at</c>).</summary>
    public static TransitionResult Claim(TaskRecord task, DateTimeOffset now, ClaimRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        if (task.Status != BuquetTaskStatus.Pending)
        {
            return TransitionResult.WrongStatus(task, "claim", "pending");
        }

        if (task.IsExpiredAt(now))
        {
            return TransitionResult.Refused(Refusal.Expired, $"Task {task.Id} expired at {task.ExpiresAt:O}.");
        }

        if (!task.IsAvailableAt(now))
        {
            return TransitionResult.Refused(Refusal.NotYetAvailable, $"Task {task.Id} is not available before {task.AvailableAt:O}.");
        }

        return TransitionResult.Applied(task with
        {
            Status = BuquetTaskStatus.Running,
            WorkerId = request.WorkerId,
            LeaseId = request.LeaseId,
            Attempt = task.Attempt + 1,
            LeaseExpiresAt = SafeTime.AddSeconds(now, task.TimeoutSeconds),
            UpdatedAt = now,
        });
    }

    /// <summary>T3 complete: running → completed, fenced by the lease id. Keeps <c>last_error</c>, <c>retry_count</c>, <c>attempt</c>.</summary>
    public static TransitionResult Complete(TaskRecord task, DateTimeOffset now, CompleteRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        if (Fence(task, request.LeaseId, "complete") is { } refused)
        {
            return refused;
        }

        return TransitionResult.Applied(ClearLease(task) with
        {
            Status = BuquetTaskStatus.Completed,
            Output = request.OutputRef is null ? request.Output : null,
            OutputRef = request.OutputRef,
            CompletedAt = now,
            UpdatedAt = now,
        });
    }

    /// <summary>T4 retry: running → pending after backoff(retry_count before increment). Callers check <see cref="TaskRecord.CanRetry"/>; when no retry is left this fails the task (T5), as a peer's worker does.</summary>
    public static TransitionResult Retry(TaskRecord task, DateTimeOffset now, RetryRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        if (Fence(task, request.LeaseId, "retry") is { } refused)
        {
            return refused;
        }

        if (!task.CanRetry)
        {
            return Fail(task, now, new FailRequest(request.LeaseId, request.Error));
        }

        return TransitionResult.Applied(ClearLease(task) with
        {
            Status = BuquetTaskStatus.Pending,
            RetryCount = task.RetryCount + 1,
            LastError = request.Error,
            AvailableAt = SafeTime.Add(now, task.RetryPolicy.DelayFor(task.RetryCount, request.Random)),
            UpdatedAt = now,
        });
    }

    /// <summary>T5 fail: running → failed, fenced by the lease id.</summary>
    public static TransitionResult Fail(TaskRecord task, DateTimeOffset now, FailRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        if (Fence(task, request.LeaseId, "fail") is { } refused)
        {
            return refused;
        }

        return TransitionResult.Applied(ClearLease(task) with
        {
            Status = BuquetTaskStatus.Failed,
            LastError = request.Error,
            CompletedAt = now,
            UpdatedAt = now,
        });
    }

    /// <summary>
    /// T6 reschedule: running → pending at <c>now + delay</c>; retry_count and last_error untouched. When
    /// <c>reschedule_count &gt;= max_reschedules</c> the task fails with the peer's text "Max reschedules (N) exceeded".
    /// </summary>
    public static TransitionResult Reschedule(TaskRecord task, DateTimeOffset now, RescheduleRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        if (Fence(task, request.LeaseId, "reschedule") is { } refused)
        {
            return refused;
        }

        if (task.MaxReschedules is { } max && task.RescheduleCount >= max)
        {
            return Fail(task, now, new FailRequest(request.LeaseId, $"Max reschedules ({max}) exceeded"));
        }

        return TransitionResult.Applied(ClearLease(task) with
        {
            Status = BuquetTaskStatus.Pending,
            RescheduleCount = task.RescheduleCount + 1,
            AvailableAt = SafeTime.Add(now, request.Delay < TimeSpan.Zero ? TimeSpan.Zero : request.Delay),
            UpdatedAt = now,
        });
    }

    /// <summary>
    /// T8 extend lease: <c>lease_expires_at = max(lease_expires_at, now) + extra</c>.
    /// Improvement over buquet (§3.12, §9.2 item 9): the lease id is checked as well as the ETag, so a stale holder
    /// that re-read the task can never extend a lease another worker now holds.
    /// </summary>
    public static TransitionResult ExtendLease(TaskRecord task, DateTimeOffset now, ExtendLeaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        if (Fence(task, request.LeaseId, "extend the lease of") is { } refused)
        {
            return refused;
        }

        if (task.LeaseExpiresAt is not { } current)
        {
            return TransitionResult.Refused(Refusal.InvalidStatus, $"Task {task.Id} has no lease to extend.");
        }

        var from = current > now ? current : now;
        return TransitionResult.Applied(task with
        {
            LeaseExpiresAt = SafeTime.Add(from, request.Extra < TimeSpan.Zero ? TimeSpan.Zero : request.Extra),
            UpdatedAt = now,
        });
    }

    /// <summary>
    /// T9b cancelled by the lease holder: running with <c>cancel_requested</c> → cancelled (terminal, as buquet's T10
    /// writes it: <c>cancelled_at</c>, lease fields and <c>worker_id</c> cleared). <c>last_error</c> keeps the reason the
    /// request wrote, else gets <see cref="CancelRunningRequest.DefaultError"/>.
    /// </summary>
    public static TransitionResult CancelRunning(TaskRecord task, DateTimeOffset now, CancelRunningRequest request)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(request);
        if (Fence(task, request.LeaseId, "cancel") is { } refused)
        {
            return refused;
        }

        if (!task.CancelRequested)
        {
            return TransitionResult.Refused(Refusal.InvalidStatus, $"Task {task.Id} has no cancellation request.");
        }

        var reason = task.LastError is { } e && e != request.ClaimedLastError ? e : request.DefaultError;
        return TransitionResult.Applied(ClearLease(task) with
        {
            Status = BuquetTaskStatus.Cancelled,
            CancelledAt = now,
            LastError = reason,
            UpdatedAt = now,
        });
    }

    /// <summary>Fencing: running, and held by <paramref name="leaseId"/>.</summary>
    private static TransitionResult? Fence(TaskRecord task, Guid leaseId, string operation)
    {
        // Whoever does not hold the current lease gets LeaseMismatch, whatever the status: the task moved on without them.
        if (task.LeaseId != leaseId)
        {
            return TransitionResult.WrongLease(task, leaseId);
        }

        return task.Status == BuquetTaskStatus.Running ? null : TransitionResult.WrongStatus(task, operation, "running");
    }

    private static TaskRecord ClearLease(TaskRecord task) => task with { LeaseId = null, LeaseExpiresAt = null, WorkerId = null };
}
