using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Worker.Pollers;

namespace Buquet.Actors.Tests.Worker.Pollers;

/// <summary>The whole worker (supervisor, poller, claimer, executor) going idle and being woken by a client's hint.</summary>
public sealed class IdleWorkerTests
{
    [Fact]
    public async Task SubmitAsync_WorkerIdle_TaskRunsWithinAboutASecondOfVirtualTime()
    {
        await using var h = new WorkerHarness();
        var runtime = h.Runtime(WorkerHarness.Settings(), new TaskHandlerRegistry().AddBuiltIns(h.Clock));
        var activity = h.System.CreateProbe("activity");
        var state = h.System.ActorOf(WorkerActivity.Props(), "worker-activity");
        state.Tell(new WorkerActivity.Subscribe(activity.Ref));
        Assert.False((await activity.ExpectMsgAsync<WorkerActivity.Changed>(duration: WorkerHarness.Guard)).Idle);
        var worker = WorkerFactory.Start(h.System, runtime, activity: state);
        await h.PumpUntilAsync(activity.ExpectMsgAsync<WorkerActivity.Changed>(c => c.Idle, WorkerHarness.Guard).AsTask(), TimeSpan.FromMilliseconds(100));
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        var poller = await h.System.ActorSelection(worker.Path / "poller-supervisor" / "poller").ResolveOne(WorkerHarness.Guard);
        await poller.SettledAsync<Poller.State>(Poller.GetState.Instance, WorkerHarness.Guard);

        var submittedAt = h.Clock.GetUtcNow();
        var task = await h.Client.SubmitAsync("buquet.echo", new { n = 1 });

        // The idle poller's next hint check (a timer) is the only wait on virtual time: step until it has woken the
        // poller, letting the poller settle after each step so the clock never moves under its HEAD. Poll, claim and
        // run then need no virtual time, so the clock stands still until the execution finishes.
        while ((await poller.SettledAsync<Poller.State>(Poller.GetState.Instance, WorkerHarness.Guard)).Idle)
        {
            Assert.True(h.Clock.GetUtcNow() - submittedAt < TimeSpan.FromSeconds(5), "the hint never woke the idle poller");
            h.Clock.Advance(TimeSpan.FromMilliseconds(50));
        }

        var finished = await h.Finished.ExpectMsgAsync<Executor.ExecutionFinished>(WorkerHarness.Guard);

        Assert.Equal(task.Id, finished.TaskId);
        Assert.Equal(ExecutionResult.Completed, finished.Outcome);
        Assert.True(h.Clock.GetUtcNow() - submittedAt <= TimeSpan.FromSeconds(1.5), $"ran after {h.Clock.GetUtcNow() - submittedAt}");
        Assert.Equal(BuquetTaskStatus.Completed, (await h.GetAsync(task.Id)).Status);
        await h.PumpUntilAsync(activity.ExpectMsgAsync<WorkerActivity.Changed>(c => !c.Idle, WorkerHarness.Guard));
    }
}
