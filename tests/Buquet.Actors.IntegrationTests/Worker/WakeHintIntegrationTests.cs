using Akka.Actor;
using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Protocol;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.IntegrationTests.Worker;

/// <summary>
/// ADR 0008 on a real S3 server: an idle worker (whose next full LIST is 10 minutes away) is woken by the wake-up hint
/// a client touches on submit, and runs the task within seconds.
/// </summary>
[Collection(SerialS3Collection.Name)]
public sealed class MotoWakeHintIntegrationTests : S3Bucket
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    internal override S3TestServer Server => S3TestServer.Moto;

    [Fact]
    public async Task SubmitAsync_WorkerIdle_HintWakesWorkerWhichRunsTheTask()
    {
        var workerStore = await NewStoreAsync();
        var settings = new WorkerSettings
        {
            WorkerId = "worker-hint",
            Concurrency = 2,
            Polling = new PollingSettings(Buquet.Actors.Configuration.PollingStrategy.Adaptive, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), 2.0, TimeSpan.FromMilliseconds(500), 0.1)
            {
                IdleMaxInterval = TimeSpan.FromMinutes(10),
            },
        };
        var runtime = WorkerFactory.CreateRuntime(workerStore, settings, new TaskHandlerRegistry().AddBuiltIns(), 1, TimeProvider.System, SeededRandom.Source(5));
        var system = TestActorSystem.Create(TimeProvider.System);
        try
        {
            var activity = system.CreateProbe("activity");
            var finished = system.CreateProbe("finished");
            finished.SubscribeTo<Executor.ExecutionFinished>();
            var state = system.ActorOf(WorkerActivity.Props(), "worker-activity");
            state.Tell(new WorkerActivity.Subscribe(activity.Ref));
            Assert.False((await activity.ExpectMsgAsync<WorkerActivity.Changed>(duration: Guard)).Idle);
            WorkerFactory.Start(system, runtime, activity: state);
            await activity.ExpectMsgAsync<WorkerActivity.Changed>(c => c.Idle, Guard);

            var client = NewClient(await NewStoreAsync());
            var task = await SubmitAvailableAsync(client, "buquet.echo", new { hello = "hint" });
            var submitted = TimeProvider.System.GetTimestamp();
            var done = await finished.ExpectMsgAsync<Executor.ExecutionFinished>(f => f.TaskId == task.Id, Guard);
            var took = TimeProvider.System.GetElapsedTime(submitted);

            Assert.Equal(ExecutionResult.Completed, done.Outcome);
            Assert.Equal(BuquetTaskStatus.Completed, (await client.GetAsync(task.Id))!.Status);
            Assert.NotNull(await Store.HeadAsync(WakeHints.Key));
            // Only the hint can explain a pickup well before the idle worker's next full LIST (10 minutes away).
            Assert.True(took < TimeSpan.FromSeconds(30), $"picked up after {took}");
            await activity.ExpectMsgAsync<WorkerActivity.Changed>(c => !c.Idle, Guard);
        }
        finally
        {
            await system.Terminate().WaitAsync(Guard);
        }
    }
}
