using Akka.Actor;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Tests.Worker;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Worker.Supervisor;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// The worker's side of the clustered fleet (ADR 0026) on virtual time: a pushed ready task makes an idle worker poll
/// at once, and a pushed cancel makes the executor re-read its task, stopping the handler only when S3 says so. The
/// clock is not advanced after the push, so nothing but the push can have brought the pickup or the cancel forward.
/// </summary>
public sealed class WorkerPushTests : IAsyncDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task TaskReadyPushed_IdleWorker_ClaimsWithoutVirtualTimePassing()
    {
        var (supervisor, task) = await IdleWorkerWithUnhintedTaskAsync();

        supervisor.Tell(new WorkerSupervisor.TaskReadyPushed(TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id)));
        var finished = await _h.Finished.ExpectMsgAsync<Executor.ExecutionFinished>(WorkerHarness.Guard);

        Assert.Equal(task.Id, finished.TaskId);
        Assert.Equal(ExecutionResult.Completed, finished.Outcome);
        Assert.Equal(BuquetTaskStatus.Completed, (await _h.GetAsync(task.Id)).Status);
    }

    [Fact]
    public async Task IdleWorker_NoPushAndNoTimePassing_LeavesTheTaskPending()
    {
        var (_, task) = await IdleWorkerWithUnhintedTaskAsync();

        await _h.Finished.ExpectNoMsgAsync(Quiet);

        Assert.Equal(BuquetTaskStatus.Pending, (await _h.GetAsync(task.Id)).Status);
    }

    [Fact]
    public async Task CancelPushed_RequestInS3_StopsTheHandlerWithoutVirtualTimePassing()
    {
        var (supervisor, task, observed) = await RunningTaskAsync();
        var client = new BuquetClient(_h.Memory, new BuquetClientOptions(), _h.StoreClock, _h.Clock, null);
        Assert.Equal(TaskOperationStatus.CancellationRequested, (await client.CancelAsync(task.Id, "stop")).Status);

        supervisor.Tell(new WorkerSupervisor.CancelPushed(task.Id));
        var reason = await observed.Task.WaitAsync(WorkerHarness.Guard);
        var finished = await _h.Finished.ExpectMsgAsync<Executor.ExecutionFinished>(WorkerHarness.Guard);

        Assert.Equal(TaskCancellationReason.CancelRequested, reason);
        Assert.Equal(ExecutionResult.Cancelled, finished.Outcome);
        Assert.Equal(BuquetTaskStatus.Cancelled, (await _h.GetAsync(task.Id)).Status);
    }

    [Fact]
    public async Task CancelPushed_NoRequestInS3_HandlerRunsOn()
    {
        var (supervisor, task, observed) = await RunningTaskAsync();

        supervisor.Tell(new WorkerSupervisor.CancelPushed(task.Id));
        supervisor.Tell(new WorkerSupervisor.CancelPushed(Guid.NewGuid())); // a task this worker does not run
        await _h.Finished.ExpectNoMsgAsync(Quiet);

        Assert.False(observed.Task.IsCompleted);
        Assert.Equal(BuquetTaskStatus.Running, (await _h.GetAsync(task.Id)).Status);
    }

    /// <summary>A worker gone idle, a minute later a task submitted without a wake-up hint.</summary>
    private async Task<(IActorRef Supervisor, TaskRecord Task)> IdleWorkerWithUnhintedTaskAsync()
    {
        var runtime = _h.Runtime(WorkerHarness.Settings(), new TaskHandlerRegistry().AddBuiltIns(_h.Clock));
        var supervisor = await IdleWorkers.StartAsync(_h, runtime);
        var silent = IdleWorkers.SilentClient(_h);
        return (supervisor, await silent.SubmitAsync("buquet.echo", new { n = 1 }));
    }

    /// <summary>A worker without the cancel watch running a handler that waits for cancellation.</summary>
    private async Task<(IActorRef Supervisor, TaskRecord Task, TaskCompletionSource<TaskCancellationReason> Observed)> RunningTaskAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observed = new TaskCompletionSource<TaskCancellationReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().Add<object>("work", async (_, ctx) =>
        {
            started.TrySetResult();
            try
            {
                await TestHandlers.WaitForCancellationAsync(ctx);
            }
            finally
            {
                observed.TrySetResult(ctx.CancellationReason);
            }
        });
        var task = await _h.Client.SubmitAsync("work", new { }, new SubmitOptions { Timeout = TimeSpan.FromMinutes(10) });
        var supervisor = _h.StartWorker(WorkerHarness.Settings() with { CancelCheckInterval = TimeSpan.Zero }, handlers);
        await _h.PumpUntilAsync(started.Task.ContinueWith(_ => true, TaskScheduler.Default), TimeSpan.FromMilliseconds(500));
        return (supervisor, task, observed);
    }
}
