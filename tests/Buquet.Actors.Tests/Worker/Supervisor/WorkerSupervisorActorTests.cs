using Buquet.Actors.Client;
using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Storage;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Worker.Supervisor;
using ExecutionResult = Buquet.Actors.Worker.Executors.ExecutionResult;

namespace Buquet.Actors.Tests.Worker.Supervisor;

public sealed class WorkerSupervisorActorTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    /// <summary>Handlers that block until released and record the peak number running at once.</summary>
    private sealed class Gate
    {
        private readonly object _lock = new();
        private int _running;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Peak { get; private set; }

        public int Started { get; private set; }

        /// <summary>Completes when three handlers are running at once.</summary>
        public TaskCompletionSource<bool> ThreeRunning { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task RunAsync()
        {
            lock (_lock)
            {
                _running++;
                Started++;
                Peak = Math.Max(Peak, _running);
                if (_running == 3)
                {
                    ThreeRunning.TrySetResult(true);
                }
            }

            try
            {
                await Release.Task;
            }
            finally
            {
                lock (_lock)
                {
                    _running--;
                }
            }
        }
    }

    [Fact]
    public async Task Concurrency_ManyTasks_NeverMoreThanLimitAtOnceAndAllComplete()
    {
        var gate = new Gate();
        var handlers = new TaskHandlerRegistry().Add<object>("job", (_, _) => gate.RunAsync());
        for (var i = 0; i < 12; i++)
        {
            await _h.Client.SubmitAsync("job", new { i }, new SubmitOptions { Timeout = TimeSpan.FromHours(1) });
        }

        var worker = _h.StartWorker(WorkerHarness.Settings(concurrency: 3), handlers);
        var status = await _h.PumpUntilAsync(WaitForAsync(worker, s => s.InFlight.Count == 3));
        Assert.Equal(3, status.InFlight.Count);
        Assert.Equal(0, status.Free);
        await _h.PumpUntilAsync(gate.ThreeRunning.Task);

        gate.Release.SetResult();
        var finished = await _h.PumpUntilFinishedAsync(12);

        Assert.All(finished, f => Assert.Equal(ExecutionResult.Completed, f.Outcome));
        Assert.True(gate.Peak <= 3, $"peak {gate.Peak}");
        Assert.Equal(3, gate.Peak);
    }

    [Fact]
    public async Task PerTypeConcurrency_LimitedTypeNeverExceedsItsCap()
    {
        var slow = new Gate();
        var handlers = new TaskHandlerRegistry()
            .Add<object>("slow", (_, _) => slow.RunAsync())
            .Add<object>("fast", (_, _) => Task.CompletedTask);
        for (var i = 0; i < 6; i++)
        {
            await _h.Client.SubmitAsync("slow", new { i }, new SubmitOptions { Timeout = TimeSpan.FromHours(1) });
            await _h.Client.SubmitAsync("fast", new { i });
        }

        var settings = WorkerHarness.Settings(concurrency: 4) with { PerTypeConcurrency = new Dictionary<string, int> { ["slow"] = 1 } };
        _h.StartWorker(settings, handlers);

        // All six fast tasks finish while only one slow task may run.
        var fast = await _h.PumpUntilFinishedAsync(6);
        Assert.All(fast, f => Assert.Equal("fast", f.TaskType));
        Assert.True(slow.Peak <= 1, $"peak {slow.Peak}");

        slow.Release.SetResult();
        await _h.PumpUntilFinishedAsync(6);
        Assert.Equal(1, slow.Peak);
        Assert.Equal(6, slow.Started);
    }

    [Fact]
    public async Task UnknownTaskType_NeverClaimedAndWorkerKeepsRunning()
    {
        var handlers = new TaskHandlerRegistry().Add<object>("known", (_, _) => Task.CompletedTask);
        var unknown = await _h.Client.SubmitAsync("unknown", new { });
        _h.StartWorker(WorkerHarness.Settings(), handlers);
        _h.Clock.Advance(TimeSpan.FromSeconds(5));
        var known = await _h.Client.SubmitAsync("known", new { });

        var finished = await _h.PumpUntilFinishedAsync(1);

        Assert.Equal(known.Id, finished[0].TaskId);
        var left = await _h.GetAsync(unknown.Id);
        Assert.Equal(BuquetTaskStatus.Pending, left.Status);
        Assert.Equal(0, left.Attempt);
    }

    [Fact]
    public async Task MalformedTaskObject_SkippedAndWorkerKeepsRunning()
    {
        var handlers = new TaskHandlerRegistry().Add<object>("known", (_, _) => Task.CompletedTask);
        var broken = Guid.NewGuid();
        var shard = _h.Repository.Shards.ShardOf(broken);
        await _h.Memory.PutAsync(TaskKeys.Task(shard, broken), "{not json"u8.ToArray(), PutCondition.None);
        await _h.Memory.PutAsync(TaskKeys.Ready(shard, _h.Clock.GetUtcNow(), broken), Array.Empty<byte>(), PutCondition.None);
        await _h.Memory.PutAsync($"ready/{shard}/garbage/key", Array.Empty<byte>(), PutCondition.None);
        var worker = _h.StartWorker(WorkerHarness.Settings(), handlers);
        var known = await _h.Client.SubmitAsync("known", new { });

        var finished = await _h.PumpUntilFinishedAsync(1);

        Assert.Equal(known.Id, finished[0].TaskId);
        var status = await worker.Ask<WorkerStatus>(WorkerSupervisor.GetStatus.Instance, WorkerHarness.Guard);
        Assert.Equal(WorkerPhase.Running, status.Phase);
    }

    [Fact]
    public async Task Shutdown_InFlightFinishesAndNothingNewIsClaimed()
    {
        var gate = new Gate();
        var handlers = new TaskHandlerRegistry().Add<object>("job", (_, _) => gate.RunAsync());
        var first = await _h.Client.SubmitAsync("job", new { n = 1 });
        var worker = _h.StartWorker(WorkerHarness.Settings(concurrency: 1), handlers);
        await _h.PumpUntilAsync(WaitForAsync(worker, s => s.InFlight.Count == 1));
        var second = await _h.Client.SubmitAsync("job", new { n = 2 });

        var stopped = worker.Ask<WorkerSupervisor.ShutdownCompleted>(WorkerSupervisor.Shutdown.Instance, WorkerHarness.Guard);
        var draining = await _h.PumpUntilAsync(WaitForAsync(worker, s => s.Phase != WorkerPhase.Running));
        Assert.Equal([first.Id], draining.InFlight);
        gate.Release.SetResult();

        // Finishing the released handler needs no virtual time: the clock stands still, so the drain deadline cannot
        // pass under the commit on a slow machine.
        var completed = await stopped.WaitAsync(WorkerHarness.Guard);

        Assert.Empty(completed.Abandoned);
        Assert.Equal(BuquetTaskStatus.Completed, (await _h.GetAsync(first.Id)).Status);
        Assert.Equal(BuquetTaskStatus.Pending, (await _h.GetAsync(second.Id)).Status);
        Assert.Equal(1, gate.Started);
    }

    [Fact]
    public async Task Shutdown_MonitorPassHanging_CancelledWhenShutdownStarts()
    {
        // Finding 6 of docs/reliability.md: a monitor pass in progress used to hold the process until the actor system
        // terminated. Shutdown now cancels it at its current request.
        var store = new Buquet.Actors.Tests.Scheduling.FlakyObjectStore(_h.Store) { HangListsUnder = TaskKeys.LeasesRoot };
        var runtime = _h.Runtime(WorkerHarness.Settings(), new TaskHandlerRegistry());
        var settings = new Buquet.Actors.Worker.Maintenance.MaintenanceMonitor.Settings(
            TimeSpan.FromSeconds(5), TimeSpan.Zero, Buquet.Actors.Configuration.SweepMode.Continuous, 100, 100, 100, Buquet.Actors.Worker.Maintenance.StoreBackoff.Default);
        var worker = Buquet.Actors.Worker.WorkerFactory.Start(_h.System, runtime, companions: new WorkerCompanions(
            Monitor: activity => Buquet.Actors.Worker.Maintenance.MaintenanceMonitor.Props(settings, new TaskRepository(store, runtime.Clock), runtime.Random, activity: activity)));
        await _h.PumpUntilAsync(store.ListHanging.Task.ContinueWith(_ => true, TaskScheduler.Default));

        var stopped = worker.Ask<WorkerSupervisor.ShutdownCompleted>(WorkerSupervisor.Shutdown.Instance, WorkerHarness.Guard);
        await _h.PumpUntilAsync(store.ListCancelled.Task.ContinueWith(_ => true, TaskScheduler.Default));
        Assert.Empty((await _h.PumpUntilAsync(stopped)).Abandoned);
    }

    [Fact]
    public async Task Shutdown_DrainDeadlinePassed_HandlerCancelledAndTaskRetried()
    {
        var reason = new TaskCompletionSource<TaskCancellationReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().Add<object>("job", async (_, ctx) =>
        {
            try
            {
                await TestHandlers.WaitForCancellationAsync(ctx);
            }
            finally
            {
                reason.TrySetResult(ctx.CancellationReason);
            }
        });
        var task = await _h.Client.SubmitAsync("job", new { }, new SubmitOptions { Timeout = TimeSpan.FromMinutes(10) });
        var worker = _h.StartWorker(WorkerHarness.Settings(), handlers);
        await _h.PumpUntilAsync(WaitForAsync(worker, s => s.InFlight.Count == 1));

        var stopped = worker.Ask<WorkerSupervisor.ShutdownCompleted>(WorkerSupervisor.Shutdown.Instance, TimeSpan.FromMinutes(5));

        // The drain deadline is the only wait on virtual time. Past it the cancelled handler, the retry commit and the
        // release need none, so the clock stands still: the shutdown grace cannot run out under them on a slow machine.
        await StepUntilAsync(worker, s => s.Phase == WorkerPhase.Cancelling, TimeSpan.FromSeconds(1));
        var completed = await stopped.WaitAsync(WorkerHarness.Guard);

        Assert.Equal(TaskCancellationReason.Shutdown, await reason.Task);
        Assert.Empty(completed.Abandoned);
        var after = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Pending, after.Status);
        Assert.Equal(Buquet.Actors.Worker.Executors.OutcomePolicy.ShutdownError, after.LastError);
    }

    [Fact]
    public async Task Shutdown_HandlerIgnoresEverything_AbandonedAfterGraceLeftToLeaseExpiry()
    {
        var never = new TaskCompletionSource();
        var handlers = new TaskHandlerRegistry().Add<object>("job", (_, _) => never.Task);
        var task = await _h.Client.SubmitAsync("job", new { }, new SubmitOptions { Timeout = TimeSpan.FromMinutes(10) });
        var worker = _h.StartWorker(WorkerHarness.Settings(), handlers);
        await _h.PumpUntilAsync(WaitForAsync(worker, s => s.InFlight.Count == 1));

        var completed = await _h.PumpUntilAsync(worker.Ask<WorkerSupervisor.ShutdownCompleted>(WorkerSupervisor.Shutdown.Instance, TimeSpan.FromMinutes(5)), TimeSpan.FromSeconds(1));

        Assert.Equal([task.Id], completed.Abandoned);
        Assert.Equal(BuquetTaskStatus.Running, (await _h.GetAsync(task.Id)).Status);
    }

    /// <summary>
    /// Advances virtual time by <paramref name="step"/> until the supervisor's status meets <paramref name="condition"/>
    /// (the status Ask queues behind the timer messages each step fires, so it is the barrier).
    /// </summary>
    private async Task<WorkerStatus> StepUntilAsync(IActorRef worker, Func<WorkerStatus, bool> condition, TimeSpan step)
    {
        for (var i = 0; i < 1000; i++)
        {
            var status = await worker.Ask<WorkerStatus>(WorkerSupervisor.GetStatus.Instance, WorkerHarness.Guard);
            if (condition(status))
            {
                return status;
            }

            _h.Clock.Advance(step);
        }

        throw new TestKitException($"The worker's status did not reach the condition within {step * 1000} of virtual time.");
    }

    private async Task<WorkerStatus> WaitForAsync(IActorRef worker, Func<WorkerStatus, bool> condition)
    {
        while (true)
        {
            var status = await worker.Ask<WorkerStatus>(WorkerSupervisor.GetStatus.Instance, WorkerHarness.Guard);
            if (condition(status))
            {
                return status;
            }

            await Task.Yield();
        }
    }
}
