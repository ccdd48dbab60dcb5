using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Tests.Worker.CancelWatches;

/// <summary>A whole worker on virtual time: a client's cancel of a running task reaches the handler within the check interval.</summary>
public sealed class CancelLandsTests : IAsyncDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(500);
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    // A 10-minute timeout: the lease (5 min) is renewed only every 100 s, so a cancel seen within 10 s came from the hint.
    private static SubmitOptions Long => new() { Timeout = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task ClientCancel_RunningHandler_ObservesWithinIntervalAndEndsCancelled()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observed = new TaskCompletionSource<(TaskCancellationReason Reason, DateTimeOffset At)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().Add<object>("work", async (_, ctx) =>
        {
            started.SetResult();
            try
            {
                await TestHandlers.WaitForCancellationAsync(ctx);
            }
            finally
            {
                observed.TrySetResult((ctx.CancellationReason, _h.Clock.GetUtcNow()));
            }
        });
        var task = await _h.Client.SubmitAsync("work", new { }, Long);
        _h.StartWorker(WorkerHarness.Settings(), handlers);
        await _h.PumpUntilAsync(started.Task.ContinueWith(_ => true, TaskScheduler.Default), Step);
        var afterClaim = TimeSpan.FromSeconds(25);
        _h.Clock.Advance(afterClaim); // past the first checks: the task is already covered when the request comes

        var cancel = await _h.Client.CancelAsync(task.Id, "no longer needed", "user:alice");
        var requestedAt = _h.Clock.GetUtcNow();
        Assert.Equal(TaskOperationStatus.CancellationRequested, cancel.Status);

        // One check interval of virtual time and no more: the handler must observe the request without further time.
        var interval = WorkerHarness.Settings().CancelCheckInterval;
        Assert.Equal(TimeSpan.FromSeconds(10), interval);
        _h.Clock.Advance(interval);
        var (reason, at) = await observed.Task.WaitAsync(WorkerHarness.Guard);
        var finished = await _h.PumpUntilFinishedAsync(1, Step);

        Assert.Equal(TaskCancellationReason.CancelRequested, reason);
        Assert.InRange(at - requestedAt, TimeSpan.Zero, interval);
        Assert.Equal(ExecutionResult.Cancelled, finished[0].Outcome);
        var after = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Cancelled, after.Status);
        Assert.Equal("no longer needed", after.LastError);
        Assert.Equal("user:alice", after.CancelledBy);
        Assert.NotNull(after.CancelledAt);
    }

    [Fact]
    public async Task ClientCancel_HandlerFinishesBeforeCheck_StaysCompleted()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().Add<object, string>("work", async (_, _) =>
        {
            started.SetResult();
            await release.Task; // does not look at its token
            return "done";
        });
        var task = await _h.Client.SubmitAsync("work", new { }, Long);
        _h.StartWorker(WorkerHarness.Settings(), handlers);
        await _h.PumpUntilAsync(started.Task.ContinueWith(_ => true, TaskScheduler.Default), Step);

        var cancel = await _h.Client.CancelAsync(task.Id);
        Assert.Equal(TaskOperationStatus.CancellationRequested, cancel.Status);
        release.SetResult();
        var finished = await _h.PumpUntilFinishedAsync(1, Step);

        Assert.Equal(ExecutionResult.Completed, finished[0].Outcome);
        var after = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Completed, after.Status);
        Assert.True(after.CancelRequested);
        Assert.Equal("done", after.Output!.Value.GetString());
    }

    [Fact]
    public async Task ClientCancel_RunningTask_TouchesOnlyItsShardsHint()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().Add<object>("work", async (_, ctx) =>
        {
            started.SetResult();
            await TestHandlers.WaitForCancellationAsync(ctx);
        });
        var task = await _h.Client.SubmitAsync("work", new { }, Long);
        _h.StartWorker(WorkerHarness.Settings(), handlers);
        await _h.PumpUntilAsync(started.Task.ContinueWith(_ => true, TaskScheduler.Default), Step);

        await _h.Client.CancelAsync(task.Id);

        var hints = await _h.Memory.ListAsync(new ListRequest(CancelHints.Prefix));
        Assert.Equal([CancelHints.Key(task.Shard)], hints.Objects.Select(o => o.Key));
    }
}
