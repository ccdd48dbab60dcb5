using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;
using static Buquet.Actors.Tests.Protocol.TaskBuilder;

namespace Buquet.Actors.Tests.Protocol.Transitions;

public sealed class TaskTransitionsTests
{
    private static readonly Func<double> Mid = () => 0.5;

    [Fact]
    public void Claim_AtAvailableAt_Succeeds_OneTickBefore_Refused()
    {
        var task = Pending(availableAt: T0.AddMinutes(1));
        Assert.Equal(Refusal.NotYetAvailable, TaskTransitions.Claim(task, T0.AddMinutes(1).AddTicks(-1), new ClaimRequest("w", Guid.NewGuid())).Refusal);
        var lease = Guid.NewGuid();
        var claimed = TaskTransitions.Claim(task, T0.AddMinutes(1), new ClaimRequest("w", lease)).Task!;
        Assert.Equal(BuquetTaskStatus.Running, claimed.Status);
        Assert.Equal(lease, claimed.LeaseId);
        Assert.Equal(1, claimed.Attempt);
        Assert.Equal("w", claimed.WorkerId);
        Assert.Equal(T0.AddMinutes(1).AddSeconds(300), claimed.LeaseExpiresAt);
        Assert.Equal(T0.AddMinutes(1), claimed.UpdatedAt);
    }

    [Fact]
    public void Claim_AtExpiresAt_RefusedExpired_OneTickBefore_Claims()
    {
        var task = Pending() with { ExpiresAt = T0.AddSeconds(10) };
        Assert.Equal(Refusal.Expired, TaskTransitions.Claim(task, T0.AddSeconds(10), new ClaimRequest("w", Guid.NewGuid())).Refusal);
        Assert.True(TaskTransitions.Claim(task, T0.AddSeconds(10).AddTicks(-1), new ClaimRequest("w", Guid.NewGuid())).Changed);
    }

    [Theory]
    [InlineData(BuquetTaskStatus.Running)]
    [InlineData(BuquetTaskStatus.Completed)]
    [InlineData(BuquetTaskStatus.Cancelled)]
    public void Claim_NotPending_RefusedInvalidStatus(BuquetTaskStatus status) =>
        Assert.Equal(Refusal.InvalidStatus, TaskTransitions.Claim(Pending() with { Status = status }, T0, new ClaimRequest("w", Guid.NewGuid())).Refusal);

    [Fact]
    public void Complete_MatchingLease_ClearsLeaseKeepsCounters()
    {
        var lease = Guid.NewGuid();
        var running = Running(lease) with { LastError = "earlier", RetryCount = 1 };
        using var doc = JsonDocument.Parse("{\"ok\":true}");
        var done = TaskTransitions.Complete(running, T0.AddSeconds(5), new CompleteRequest(lease, doc.RootElement)).Task!;
        Assert.Equal(BuquetTaskStatus.Completed, done.Status);
        Assert.Null(done.LeaseId);
        Assert.Null(done.LeaseExpiresAt);
        Assert.Null(done.WorkerId);
        Assert.Equal(T0.AddSeconds(5), done.CompletedAt);
        Assert.Equal("earlier", done.LastError);
        Assert.Equal(1, done.RetryCount);
        Assert.Equal(1, done.Attempt);
        Assert.True(done.Output!.Value.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public void CompleteFailRetry_StaleLease_RefusedLeaseMismatch()
    {
        var running = Running(Guid.NewGuid());
        var stale = Guid.NewGuid();
        Assert.Equal(Refusal.LeaseMismatch, TaskTransitions.Complete(running, T0, new CompleteRequest(stale, null)).Refusal);
        Assert.Equal(Refusal.LeaseMismatch, TaskTransitions.Fail(running, T0, new FailRequest(stale, "x")).Refusal);
        Assert.Equal(Refusal.LeaseMismatch, TaskTransitions.Retry(running, T0, new RetryRequest(stale, "x", Mid)).Refusal);
        Assert.Equal(Refusal.LeaseMismatch, TaskTransitions.Reschedule(running, T0, new RescheduleRequest(stale, TimeSpan.Zero)).Refusal);
        Assert.Equal(Refusal.LeaseMismatch, TaskTransitions.ExtendLease(running, T0, new ExtendLeaseRequest(stale, TimeSpan.FromSeconds(1))).Refusal);
    }

    [Fact]
    public void Complete_AfterTimeoutRecovery_RefusedEvenIfRunningAgain()
    {
        var old = Guid.NewGuid();
        var running = Running(old);
        var recovered = TaskTransitions.RecoverTimeout(running, running.LeaseExpiresAt!.Value.AddTicks(1), new TimeoutRecoveryRequest(Mid)).Task!;
        var reclaimed = TaskTransitions.Claim(recovered, recovered.AvailableAt, new ClaimRequest("w2", Guid.NewGuid())).Task!;
        Assert.Equal(Refusal.LeaseMismatch, TaskTransitions.Complete(reclaimed, reclaimed.UpdatedAt, new CompleteRequest(old, null)).Refusal);
        Assert.Equal(Refusal.LeaseMismatch, TaskTransitions.Complete(recovered, reclaimed.UpdatedAt, new CompleteRequest(old, null)).Refusal);
    }

    [Fact]
    public void Retry_FirstRetry_BacksOffInitialIntervalAndCountsRetry()
    {
        var lease = Guid.NewGuid();
        var running = Running(lease) with { RetryPolicy = new RetryPolicy(1000, 60000, 2.0, 0) };
        var retried = TaskTransitions.Retry(running, T0.AddSeconds(3), new RetryRequest(lease, "Retryable error: boom", Mid)).Task!;
        Assert.Equal(BuquetTaskStatus.Pending, retried.Status);
        Assert.Equal(1, retried.RetryCount);
        Assert.Equal("Retryable error: boom", retried.LastError);
        Assert.Equal(T0.AddSeconds(4), retried.AvailableAt);
        Assert.Null(retried.LeaseId);
        Assert.Equal(1, retried.Attempt);
    }

    [Fact]
    public void Retry_AtMaxRetries_Fails()
    {
        var lease = Guid.NewGuid();
        var running = Running(lease) with { RetryCount = 3, MaxRetries = 3 };
        var result = TaskTransitions.Retry(running, T0, new RetryRequest(lease, "e", Mid)).Task!;
        Assert.Equal(BuquetTaskStatus.Failed, result.Status);
        Assert.Equal(T0, result.CompletedAt);
        Assert.Equal(2, TaskTransitions.Retry(running with { RetryCount = 2 }, T0, new RetryRequest(lease, "e", Mid)).Task!.RetryCount - 1);
    }

    [Theory]
    [InlineData(0, 0.5, 1000)]
    [InlineData(1, 0.5, 2000)]
    [InlineData(2, 0.5, 4000)]
    [InlineData(10, 0.5, 60000)]
    [InlineData(0, 0.0, 750)]
    [InlineData(0, 1.0, 1250)]
    [InlineData(100, 0.5, 60000)]
    public void RetryPolicy_DelayFor_FollowsFormula(long k, double u, long expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RetryPolicy.Default.DelayFor(k, () => u));

    [Fact]
    public void RetryPolicy_HugeCap_SaturatesAtU32Max() =>
        Assert.Equal(TimeSpan.FromMilliseconds(uint.MaxValue), new RetryPolicy(uint.MaxValue, uint.MaxValue, 2, 0).DelayFor(5, () => 0.5));

    [Fact]
    public void Reschedule_UnderMax_PendingAfterDelay_AtMax_Fails()
    {
        var lease = Guid.NewGuid();
        var running = Running(lease) with { MaxReschedules = 2, RescheduleCount = 1, RetryCount = 1, LastError = "kept" };
        var again = TaskTransitions.Reschedule(running, T0, new RescheduleRequest(lease, TimeSpan.FromSeconds(30))).Task!;
        Assert.Equal(BuquetTaskStatus.Pending, again.Status);
        Assert.Equal(2, again.RescheduleCount);
        Assert.Equal(1, again.RetryCount);
        Assert.Equal("kept", again.LastError);
        Assert.Equal(T0.AddSeconds(30), again.AvailableAt);
        var failed = TaskTransitions.Reschedule(running with { RescheduleCount = 2 }, T0, new RescheduleRequest(lease, TimeSpan.FromSeconds(30))).Task!;
        Assert.Equal(BuquetTaskStatus.Failed, failed.Status);
        Assert.Equal("Max reschedules (2) exceeded", failed.LastError);
    }

    [Fact]
    public void RecoverTimeout_AtLeaseExpiry_NotDue_OneTickAfter_Recovers()
    {
        var running = Running(Guid.NewGuid());
        var at = running.LeaseExpiresAt!.Value;
        Assert.Equal(Refusal.NotDue, TaskTransitions.RecoverTimeout(running, at, new TimeoutRecoveryRequest(Mid)).Refusal);
        var recovered = TaskTransitions.RecoverTimeout(running, at.AddTicks(1), new TimeoutRecoveryRequest(Mid)).Task!;
        Assert.Equal(BuquetTaskStatus.Pending, recovered.Status);
        Assert.Equal(1, recovered.RetryCount);
        Assert.Equal(TaskTransitions.TimeoutRetryError, recovered.LastError);
        Assert.Null(recovered.WorkerId);
    }

    [Fact]
    public void RecoverTimeout_NoRetryLeft_FailsKeepingWorkerId()
    {
        var running = Running(Guid.NewGuid()) with { RetryCount = 3 };
        var failed = TaskTransitions.RecoverTimeout(running, running.LeaseExpiresAt!.Value.AddSeconds(1), new TimeoutRecoveryRequest(Mid)).Task!;
        Assert.Equal(BuquetTaskStatus.Failed, failed.Status);
        Assert.Equal("w1", failed.WorkerId);
        Assert.Null(failed.LeaseId);
        Assert.Equal("Timeout after max retries (3 attempts)", failed.LastError);
    }

    [Fact]
    public void ExtendLease_BeforeAndAfterExpiry_ExtendsFromLaterOfDeadlineAndNow()
    {
        var lease = Guid.NewGuid();
        var running = Running(lease);
        var deadline = running.LeaseExpiresAt!.Value;
        Assert.Equal(deadline.AddSeconds(60), TaskTransitions.ExtendLease(running, T0, new ExtendLeaseRequest(lease, TimeSpan.FromSeconds(60))).Task!.LeaseExpiresAt);
        Assert.Equal(deadline.AddSeconds(100).AddSeconds(60), TaskTransitions.ExtendLease(running, deadline.AddSeconds(100), new ExtendLeaseRequest(lease, TimeSpan.FromSeconds(60))).Task!.LeaseExpiresAt);
    }

    [Fact]
    public void RequestCancel_Running_SetsFlag_Twice_Unchanged_Pending_Refused()
    {
        var running = Running(Guid.NewGuid());
        var requested = TaskTransitions.RequestCancel(running, T0, new RequestCancelRequest());
        Assert.True(requested.Task!.CancelRequested);
        Assert.Equal(BuquetTaskStatus.Running, requested.Task.Status);
        Assert.False(TaskTransitions.RequestCancel(requested.Task, T0, new RequestCancelRequest()).Changed);
        Assert.Equal(Refusal.InvalidStatus, TaskTransitions.RequestCancel(Pending(), T0, new RequestCancelRequest()).Refusal);
    }

    [Fact]
    public void RequestCancel_WithReasonAndCanceller_RecordsBoth()
    {
        var requested = TaskTransitions.RequestCancel(Running(Guid.NewGuid()), T0, new RequestCancelRequest("stop", "user:alice")).Task!;
        Assert.Equal("stop", requested.LastError);
        Assert.Equal("user:alice", requested.CancelledBy);
        Assert.Equal(BuquetTaskStatus.Running, requested.Status);
    }

    [Fact]
    public void CancelRunning_Requested_EndsCancelledLeaseCleared()
    {
        var lease = Guid.NewGuid();
        var running = Running(lease) with { LastError = "Retryable error: earlier attempt" };
        var requested = TaskTransitions.RequestCancel(running, T0, new RequestCancelRequest()).Task!;

        var cancelled = TaskTransitions.CancelRunning(requested, T0.AddSeconds(3), new CancelRunningRequest(lease, running.LastError, "Cancelled: default")).Task!;

        Assert.Equal(BuquetTaskStatus.Cancelled, cancelled.Status);
        Assert.Equal(T0.AddSeconds(3), cancelled.CancelledAt);
        Assert.Equal("Cancelled: default", cancelled.LastError); // the earlier attempt's error is not the reason
        Assert.Null(cancelled.LeaseId);
        Assert.Null(cancelled.LeaseExpiresAt);
        Assert.Null(cancelled.WorkerId);
        Assert.Null(cancelled.CompletedAt);
    }

    [Fact]
    public void CancelRunning_ReasonFromRequest_Kept()
    {
        var lease = Guid.NewGuid();
        var running = Running(lease);
        var requested = TaskTransitions.RequestCancel(running, T0, new RequestCancelRequest("duplicate order")).Task!;
        var cancelled = TaskTransitions.CancelRunning(requested, T0, new CancelRunningRequest(lease, running.LastError, "Cancelled: default")).Task!;
        Assert.Equal("duplicate order", cancelled.LastError);
    }

    [Fact]
    public void CancelRunning_NoRequestOrOtherLease_Refused()
    {
        var lease = Guid.NewGuid();
        var running = Running(lease);
        Assert.Equal(Refusal.InvalidStatus, TaskTransitions.CancelRunning(running, T0, new CancelRunningRequest(lease, null, "x")).Refusal);
        var requested = TaskTransitions.RequestCancel(running, T0, new RequestCancelRequest()).Task!;
        Assert.Equal(Refusal.LeaseMismatch, TaskTransitions.CancelRunning(requested, T0, new CancelRunningRequest(Guid.NewGuid(), null, "x")).Refusal);
    }

    [Fact]
    public void Cancel_Pending_Cancels_AgainIsIdempotent_CompletedRefused()
    {
        var cancelled = TaskTransitions.Cancel(Pending(), T0, new CancelRequest("customer withdrew", "user:alice")).Task!;
        Assert.Equal(BuquetTaskStatus.Cancelled, cancelled.Status);
        Assert.Equal("user:alice", cancelled.CancelledBy);
        Assert.Equal("customer withdrew", cancelled.LastError);
        Assert.Equal(T0, cancelled.CancelledAt);
        var again = TaskTransitions.Cancel(cancelled, T0.AddSeconds(1), new CancelRequest());
        Assert.True(again.Succeeded);
        Assert.False(again.Changed);
        Assert.Equal(Refusal.InvalidStatus, TaskTransitions.Cancel(Pending() with { Status = BuquetTaskStatus.Completed }, T0, new CancelRequest()).Refusal);
    }

    [Fact]
    public void Expire_BeforeTtl_NotDue_AtTtl_Expires_Forced_Expires()
    {
        var task = Pending() with { ExpiresAt = T0.AddSeconds(5) };
        Assert.Equal(Refusal.NotDue, TaskTransitions.Expire(task, T0.AddSeconds(5).AddTicks(-1), new ExpireRequest()).Refusal);
        var expired = TaskTransitions.Expire(task, T0.AddSeconds(5), new ExpireRequest()).Task!;
        Assert.Equal(BuquetTaskStatus.Expired, expired.Status);
        Assert.Equal(T0.AddSeconds(5), expired.ExpiredAt);
        Assert.True(TaskTransitions.Expire(Pending(), T0, new ExpireRequest(Force: true)).Changed);
        Assert.Equal(Refusal.InvalidStatus, TaskTransitions.Expire(Running(Guid.NewGuid()), T0, new ExpireRequest(true)).Refusal);
    }

    [Fact]
    public void Replay_Failed_ResetsRetryKeepsAttempt_OtherStatusRefused()
    {
        var failed = Pending() with { Status = BuquetTaskStatus.Failed, RetryCount = 3, Attempt = 4, CompletedAt = T0, LastError = "x" };
        var replayed = TaskTransitions.Replay(failed, T0.AddHours(1), new ReplayRequest()).Task!;
        Assert.Equal(BuquetTaskStatus.Pending, replayed.Status);
        Assert.Equal(0, replayed.RetryCount);
        Assert.Equal(4, replayed.Attempt);
        Assert.Null(replayed.CompletedAt);
        Assert.Null(replayed.LastError);
        Assert.Equal(T0.AddHours(1), replayed.AvailableAt);
        Assert.Equal(Refusal.InvalidStatus, TaskTransitions.Replay(failed with { Status = BuquetTaskStatus.Cancelled }, T0, new ReplayRequest()).Refusal);
    }

    [Theory]
    [InlineData(BuquetTaskStatus.Completed, true)]
    [InlineData(BuquetTaskStatus.Failed, true)]
    [InlineData(BuquetTaskStatus.Pending, false)]
    [InlineData(BuquetTaskStatus.Expired, false)]
    public void Archive_OnlyCompletedOrFailed(BuquetTaskStatus status, bool ok)
    {
        var result = TaskTransitions.Archive(Pending() with { Status = status }, T0, new ArchiveRequest());
        Assert.Equal(ok, result.Changed);
        if (ok)
        {
            Assert.Equal(BuquetTaskStatus.Archived, result.Task!.Status);
        }
    }

    [Fact]
    public void Submit_TtlWinsOverExpiresAt_RunAtWinsOverDelay()
    {
        var spec = new SubmitSpec(Guid.NewGuid(), "a", "t", null) { Ttl = TimeSpan.FromSeconds(10), ExpiresAt = T0.AddDays(1), RunAt = T0.AddMinutes(5), Delay = TimeSpan.FromHours(1) };
        var task = TaskTransitions.Submit(spec, T0);
        Assert.Equal(T0.AddSeconds(10), task.ExpiresAt);
        Assert.Equal(T0.AddMinutes(5), task.AvailableAt);
        Assert.Equal(T0, task.CreatedAt);
        Assert.Equal(T0.AddSeconds(30), TaskTransitions.Submit(spec with { RunAt = null, Delay = TimeSpan.FromSeconds(30) }, T0).AvailableAt);
        Assert.True(TaskTransitions.Submit(spec with { Ttl = TimeSpan.Zero }, T0).IsExpiredAt(T0));
    }
}
