using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Tests.Worker.Executors;

public sealed class ExecutorActorTests : IAsyncDisposable
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private static SubmitOptions Timeout(int seconds, int maxRetries = 3) => new() { Timeout = TimeSpan.FromSeconds(seconds), MaxRetries = maxRetries };

    [Fact]
    public async Task Handler_HangsPastTimeoutHonouringCancellation_RetriedWithTimeoutError()
    {
        var cancelled = new TaskCompletionSource<TaskCancellationReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().Add<object>("hang", async (_, ctx) =>
        {
            try
            {
                await TestHandlers.WaitForCancellationAsync(ctx);
            }
            finally
            {
                cancelled.TrySetResult(ctx.CancellationReason);
            }
        });
        var task = await _h.Client.SubmitAsync("hang", new { }, Timeout(10));
        _h.StartWorker(WorkerHarness.Settings(), handlers);

        var finished = await _h.PumpUntilFinishedAsync(1, Second);

        Assert.Equal(TaskCancellationReason.Timeout, await cancelled.Task);
        Assert.Equal(ExecutionResult.Retried, finished[0].Outcome);
        var after = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Pending, after.Status);
        Assert.Equal(OutcomePolicy.TimeoutError, after.LastError);
    }

    [Fact]
    public async Task Handler_IgnoresCancellation_SlotReleasedLateResultDiscardedWorkerKeepsRunning()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry()
            .Add<object, string>("stubborn", async (_, ctx) =>
            {
                await release.Task; // ignores ctx.CancellationToken
                return "late";
            })
            .Add<object, string>("quick", (_, _) => Task.FromResult("ok"));
        var stubborn = await _h.Client.SubmitAsync("stubborn", new { }, Timeout(10, maxRetries: 0));
        _h.StartWorker(WorkerHarness.Settings(concurrency: 1), handlers);

        var first = await _h.PumpUntilFinishedAsync(1, Second);
        Assert.Equal(stubborn.Id, first[0].TaskId);
        Assert.Equal(ExecutionResult.Failed, first[0].Outcome);

        // The only slot is free again: another task runs although the stubborn handler is still running.
        var quick = await _h.Client.SubmitAsync("quick", new { });
        var second = await _h.PumpUntilFinishedAsync(1, TimeSpan.FromMilliseconds(200));
        Assert.Equal(quick.Id, second[0].TaskId);
        Assert.Equal(BuquetTaskStatus.Completed, (await _h.GetAsync(quick.Id)).Status);

        var before = await _h.GetAsync(stubborn.Id);
        release.SetResult();
        await _h.Finished.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        var after = await _h.GetAsync(stubborn.Id);
        Assert.Equal(OutcomePolicy.TimeoutError, after.LastError);
        Assert.Null(after.Output);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
    }

    [Fact]
    public async Task LeaseLost_ExecutorCancelledAndNothingCommitted()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reason = new TaskCompletionSource<TaskCancellationReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().Add<object, string>("work", async (_, ctx) =>
        {
            started.SetResult();
            try
            {
                await TestHandlers.WaitForCancellationAsync(ctx);
            }
            catch (OperationCanceledException)
            {
                reason.SetResult(ctx.CancellationReason);
            }

            return "should not be stored";
        });
        var task = await _h.Client.SubmitAsync("work", new { }, Timeout(30));
        _h.StartWorker(WorkerHarness.Settings(), handlers);
        await _h.PumpUntilAsync(started.Task.ContinueWith(_ => true, TaskScheduler.Default));

        // Another worker takes the task over (as if the lease had been recovered and re-claimed).
        var thief = Guid.NewGuid();
        var stolen = await _h.Repository.ApplyAsync(task.Id, (t, now) => TransitionResult.Applied(t with { LeaseId = thief, WorkerId = "worker-thief" }));
        Assert.Equal(CasStatus.Written, stolen.Status);

        var finished = await _h.PumpUntilFinishedAsync(1, Second);

        Assert.Equal(TaskCancellationReason.LeaseLost, await reason.Task);
        Assert.Equal(ExecutionResult.Discarded, finished[0].Outcome);
        var after = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Running, after.Status);
        Assert.Equal(thief, after.LeaseId);
        Assert.Null(after.Output);
    }

    [Fact]
    public async Task Renewal_LongTaskPastOriginalLease_NotRecoveredAndCompletes()
    {
        var extended = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().Add<object, string>("long", async (_, ctx) =>
        {
            extended.SetResult(await ctx.ExtendLeaseAsync(TimeSpan.FromSeconds(120)));
            await release.Task.WaitAsync(ctx.CancellationToken);
            return "done";
        });
        var task = await _h.Client.SubmitAsync("long", new { }, Timeout(30));
        _h.StartWorker(WorkerHarness.Settings(), handlers);
        var deadline = await _h.PumpUntilAsync(extended.Task);
        var claimed = await _h.GetAsync(task.Id);
        var originalLease = claimed.UpdatedAt + TimeSpan.FromSeconds(30);
        Assert.True(deadline > originalLease);

        // 60 s later the original 30 s lease is long gone; a monitor's recovery must find the lease alive.
        for (var i = 0; i < 60; i++)
        {
            _h.Clock.Advance(Second);
            await Task.Yield();
        }

        var running = await _h.Repository.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Running, running!.Task.Status);
        Assert.True(running.Task.LeaseExpiresAt > _h.Clock.GetUtcNow());
        var recovery = await _h.Repository.RecoverTimeoutAsync(running, () => 0.5);
        Assert.Equal(CasStatus.Refused, recovery.Status);

        release.SetResult();
        var finished = await _h.PumpUntilFinishedAsync(1, TimeSpan.FromMilliseconds(100));
        Assert.Equal(ExecutionResult.Completed, finished[0].Outcome);
        Assert.Equal(BuquetTaskStatus.Completed, (await _h.GetAsync(task.Id)).Status);
    }

    [Fact]
    public async Task CancelRequested_HandlerCancelledAndTaskCancelled()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().Add<object>("work", async (_, ctx) =>
        {
            started.SetResult();
            await TestHandlers.WaitForCancellationAsync(ctx);
        });
        var task = await _h.Client.SubmitAsync("work", new { }, Timeout(60));
        _h.StartWorker(WorkerHarness.Settings(), handlers);
        await _h.PumpUntilAsync(started.Task.ContinueWith(_ => true, TaskScheduler.Default));

        var cancel = await _h.Client.CancelAsync(task.Id);
        Assert.Equal(TaskOperationStatus.CancellationRequested, cancel.Status);
        var finished = await _h.PumpUntilFinishedAsync(1, Second);

        Assert.Equal(ExecutionResult.Cancelled, finished[0].Outcome);
        var after = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Cancelled, after.Status);
        Assert.Equal(OutcomePolicy.CancelRequestedError, after.LastError);
        Assert.NotNull(after.CancelledAt);
        Assert.Null(after.LeaseId);
        Assert.Null(after.WorkerId);
    }

    [Fact]
    public async Task CancelRequestedWithoutHint_ChecksOff_NoticedAtLeaseRenewal()
    {
        // A buquet peer writes T9 without touching any hint; with the checks off too, the lease renewal still sees it.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().Add<object>("work", async (_, ctx) =>
        {
            started.SetResult();
            await TestHandlers.WaitForCancellationAsync(ctx);
        });
        var task = await _h.Client.SubmitAsync("work", new { }, Timeout(60));
        _h.StartWorker(WorkerHarness.Settings() with { CancelCheckInterval = TimeSpan.Zero }, handlers);
        await _h.PumpUntilAsync(started.Task.ContinueWith(_ => true, TaskScheduler.Default));
        var requestedAt = _h.Clock.GetUtcNow();

        var request = await _h.Repository.ApplyAsync(task.Id, (t, now) => TaskTransitions.RequestCancel(t, now, new RequestCancelRequest()));
        Assert.Equal(CasStatus.Written, request.Status);
        var finished = await _h.PumpUntilFinishedAsync(1, Second);

        Assert.Equal(ExecutionResult.Cancelled, finished[0].Outcome);
        Assert.Equal(BuquetTaskStatus.Cancelled, (await _h.GetAsync(task.Id)).Status);
        Assert.True(_h.Clock.GetUtcNow() - requestedAt > TimeSpan.FromSeconds(10), "without hint checks the request waits for the renewal (every 20 s here)");
    }

    [Fact]
    public async Task Claim_CancelAlreadyRequested_HandlerNotRunTaskCancelled()
    {
        var ran = false;
        var handlers = new TaskHandlerRegistry().Add<object>("work", (_, _) =>
        {
            ran = true;
            return Task.CompletedTask;
        });
        var task = await _h.Client.SubmitAsync("work", new { }, Timeout(60));
        // As if a cancel was requested during an earlier attempt that then went back to pending.
        var flagged = await _h.Repository.ApplyAsync(task.Id, (t, now) => TransitionResult.Applied(t with { CancelRequested = true, UpdatedAt = now }));
        Assert.Equal(CasStatus.Written, flagged.Status);
        _h.StartWorker(WorkerHarness.Settings(), handlers);

        var finished = await _h.PumpUntilFinishedAsync(1, Second);

        Assert.Equal(ExecutionResult.Cancelled, finished[0].Outcome);
        Assert.False(ran);
        Assert.Equal(BuquetTaskStatus.Cancelled, (await _h.GetAsync(task.Id)).Status);
    }

    [Fact]
    public void OutcomePolicy_ClassifiesExceptions()
    {
        Assert.Equal(DecisionKind.Complete, OutcomePolicy.Decide(null, TaskCancellationReason.None).Kind);
        Assert.Equal(DecisionKind.Retry, OutcomePolicy.Decide(new RetryableTaskException("x"), TaskCancellationReason.None).Kind);
        Assert.Equal(DecisionKind.Fail, OutcomePolicy.Decide(new PermanentTaskException("x"), TaskCancellationReason.None).Kind);
        Assert.Equal(TimeSpan.FromSeconds(3), OutcomePolicy.Decide(new RescheduleTaskException(TimeSpan.FromSeconds(3)), TaskCancellationReason.None).Delay);
        Assert.Equal(DecisionKind.Retry, OutcomePolicy.Decide(new TimeoutException("x"), TaskCancellationReason.None).Kind);
        Assert.Equal(DecisionKind.Discard, OutcomePolicy.Decide(new OperationCanceledException(), TaskCancellationReason.LeaseLost).Kind);
        Assert.Equal(OutcomePolicy.ShutdownError, OutcomePolicy.Decide(new OperationCanceledException(), TaskCancellationReason.Shutdown).Error);
    }
}
