using System.Collections.Concurrent;
using Akka.Actor;
using Buquet.Actors.IntegrationTests.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Workflows;
using ExecutorProtocol = Buquet.Actors.Worker.Executors.Executor;

namespace Buquet.Actors.IntegrationTests.Workflows;

/// <summary>
/// Workflows on a real S3 server (issue 18's integration bar), one in-process worker per test: the sample diamond, a
/// signal wait (also across a worker restart), a fan-out of 100 and a compensation run. Subclasses name the server (moto and Ceph RGW).
/// </summary>
public abstract class WorkflowIntegrationTests : S3Bucket
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    /// <summary>The fan-out's guard: it checks results and order, not speed. Alone on a loaded 2-core machine it took 40 s (RGW) and 75 s (moto); beside the other test projects in CI over 3 min once, while each orchestrator pass read every running element's task (O(n²) reads). Since a step handler's pass reads only its own step's task: 16 s on moto (2026-12-06).</summary>
    private static readonly TimeSpan FanOutGuard = TimeSpan.FromMinutes(6);

    private static WorkerSettings Settings(int concurrency) => new()
    {
        WorkerId = "worker-wf",
        Concurrency = concurrency,
        Polling = new PollingSettings(Buquet.Actors.Configuration.PollingStrategy.Adaptive, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), 2.0, TimeSpan.FromMilliseconds(500), 0.1),
    };

    /// <summary>prepare → wait for signal <c>approve</c> → ship (returns the signal's <c>by</c>).</summary>
    private static WorkflowDefinition Approval() => new WorkflowDefinition("approval")
        .Step("prepare", _ => Task.FromResult("ready"))
        .WaitForSignal("approved", "approve", new StepOptions { DependsOn = ["prepare"], Timeout = TimeSpan.FromMinutes(5) })
        .Step("ship", ctx => Task.FromResult(ctx.Result("approved")!.Value.GetProperty("by").GetString()), new StepOptions { DependsOn = ["approved"] });

    [Fact]
    public async Task Run_DiamondAndSignalWait_CompleteOnS3()
    {
        var approval = Approval();

        await WithWorkerAsync(4, [SampleWorkflows.Diamond(), approval], async (workflows, finished) =>
        {
            await workflows.StartAsync(SampleWorkflows.Diamond(), new { order = 7 }, "wf-diamond");
            await workflows.StartAsync(approval, null, "wf-approval");
            var diamond = await WaitForAsync(workflows, finished, "wf-diamond", WorkflowStatus.Completed, WorkflowStatus.Failed);
            await WaitForAsync(workflows, finished, "wf-approval", WorkflowStatus.WaitingSignal);
            await workflows.SignalAsync("wf-approval", "approve", new { by = "ops" });
            var approved = await WaitForAsync(workflows, finished, "wf-approval", WorkflowStatus.Completed, WorkflowStatus.Failed);

            Assert.Equal(WorkflowStatus.Completed, diamond.Status);
            Assert.Equal("d", diamond.Steps["d"].Result!.Value.GetProperty("step").GetString());
            Assert.Equal(7, (await workflows.GetStepResultAsync("wf-diamond", "b"))!.Value.GetProperty("order").GetInt32());
            Assert.Equal(WorkflowStatus.Completed, approved.Status);
            Assert.Equal("ops", approved.Steps["ship"].Result!.Value.GetString());
        });
    }

    [Fact]
    public async Task Run_FanOutOfHundred_FanInReceivesResultsInOrder()
    {
        var runs = new ConcurrentDictionary<int, int>();
        var wf = new WorkflowDefinition("fanout100")
            .Step("split", _ => Task.FromResult(Enumerable.Range(0, 100).ToArray()))
            .Map("square", "split", ctx =>
            {
                var item = ctx.ItemAs<int>();
                runs.AddOrUpdate(item, 1, (_, n) => n + 1);
                return Task.FromResult(item * item);
            })
            .Step("collect", ctx => Task.FromResult(ctx.Result<int[]>("square")!), new StepOptions { DependsOn = ["square"] });

        await WithWorkerAsync(16, [wf], async (workflows, finished) =>
        {
            await workflows.StartAsync(wf, null, "wf-fan100");
            var state = await WaitForAsync(workflows, finished, "wf-fan100", FanOutGuard, WorkflowStatus.Completed, WorkflowStatus.Failed);

            Assert.Equal(WorkflowStatus.Completed, state.Status);
            var collected = state.Steps["collect"].Result!.Value.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(Enumerable.Range(0, 100).Select(i => i * i), collected);
            Assert.Equal(Enumerable.Range(0, 100), runs.Keys.Order());
            Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(StepStatus.Completed, state.Steps[$"square[{i}]"].Status));
        });
    }

    [Fact]
    public async Task Run_CompensateStepFails_CompensatesCompletedStepsInReverseOrderOnceAndFails()
    {
        var compensated = new ConcurrentQueue<string>();
        Func<StepContext, Task> undo = ctx =>
        {
            compensated.Enqueue(ctx.Step);
            return Task.CompletedTask;
        };
        var wf = new WorkflowDefinition("saga")
            .Step("reserve", _ => Task.FromResult("reserved"), new StepOptions { Compensate = undo })
            .Step("charge", _ => Task.FromResult("charged"), new StepOptions { DependsOn = ["reserve"], Compensate = undo })
            .Step("notify", _ => Task.FromResult("notified"), new StepOptions { DependsOn = ["reserve"] })
            .Step<string>("ship", _ => throw new PermanentTaskException("no stock"), new StepOptions { DependsOn = ["charge", "notify"], OnFailure = OnFailure.Compensate });

        await WithWorkerAsync(4, [wf], async (workflows, finished) =>
        {
            await workflows.StartAsync(wf, null, "wf-saga");
            var state = await WaitForAsync(workflows, finished, "wf-saga", WorkflowStatus.Failed, WorkflowStatus.Completed);

            Assert.Equal(WorkflowStatus.Failed, state.Status);
            Assert.Equal(["charge", "reserve"], compensated);
            Assert.Equal(StepState.Compensated, state.Steps["charge"].Error);
            Assert.Equal(StepState.Compensated, state.Steps["reserve"].Error);
            Assert.Null(state.Steps["notify"].Error);
            Assert.Equal(StepStatus.Failed, state.Steps["ship"].Status);
            Assert.Equal("ship", state.Error!.Step);
        });
    }

    [Fact]
    public async Task Run_SignalSentWhileWorkerDown_WaitSurvivesWorkerRestart()
    {
        var approval = Approval();

        await WithWorkerAsync(4, [approval], async (workflows, finished) =>
        {
            await workflows.StartAsync(approval, null, "wf-restart");
            await WaitForAsync(workflows, finished, "wf-restart", WorkflowStatus.WaitingSignal);
        });
        var client = new WorkflowClient(NewClient());
        Assert.Equal(WorkflowStatus.WaitingSignal, (await client.GetAsync("wf-restart"))!.Status);
        await client.SignalAsync("wf-restart", "approve", new { by = "night-shift" });

        await WithWorkerAsync(4, [approval], async (workflows, finished) =>
        {
            var state = await WaitForAsync(workflows, finished, "wf-restart", WorkflowStatus.Completed, WorkflowStatus.Failed);

            Assert.Equal(WorkflowStatus.Completed, state.Status);
            Assert.Equal("night-shift", state.Steps["ship"].Result!.Value.GetString());
            Assert.Equal(1, state.Steps["prepare"].Attempt);
        });
    }

    /// <summary>Waits on finished executions until the workflow is in one of <paramref name="statuses"/>.</summary>
    private static Task<WorkflowState> WaitForAsync(WorkflowClient client, Akka.TestKit.TestProbe finished, string id, params WorkflowStatus[] statuses) =>
        WaitForAsync(client, finished, id, Guard, statuses);

    /// <summary>Waits on finished executions until the workflow is in one of <paramref name="statuses"/>, for at most <paramref name="guard"/>.</summary>
    private static async Task<WorkflowState> WaitForAsync(WorkflowClient client, Akka.TestKit.TestProbe finished, string id, TimeSpan guard, params WorkflowStatus[] statuses)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var state = (await client.GetAsync(id))!;
            if (statuses.Contains(state.Status))
            {
                return state;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(start) < guard, $"workflow {id} still {state.Status} after {guard}");
            await finished.TryReceiveAsync<ExecutorProtocol.ExecutionFinished>(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Runs <paramref name="body"/> with one in-process worker (own S3 client) that has <paramref name="definitions"/>.</summary>
    private async Task WithWorkerAsync(int concurrency, WorkflowDefinition[] definitions, Func<WorkflowClient, Akka.TestKit.TestProbe, Task> body)
    {
        var client = NewClient(await NewStoreAsync());
        var handlers = new TaskHandlerRegistry().AddWorkflows(client, null, definitions);
        var runtime = WorkerFactory.CreateRuntime(await NewStoreAsync(), Settings(concurrency), handlers, 1, TimeProvider.System, SeededRandom.Source(3));
        var system = TestActorSystem.Create(TimeProvider.System);
        try
        {
            var finished = system.CreateProbe("finished");
            finished.SubscribeTo<ExecutorProtocol.ExecutionFinished>();
            WorkerFactory.Start(system, runtime);
            await body(new WorkflowClient(client), finished);
        }
        finally
        {
            await system.Terminate().WaitAsync(Guard);
        }
    }
}

/// <summary>On moto (versioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class MotoWorkflowIntegrationTests : WorkflowIntegrationTests
{
    internal override S3TestServer Server => S3TestServer.Moto;
}

/// <summary>On Ceph RGW (unversioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class RgwWorkflowIntegrationTests : WorkflowIntegrationTests
{
    internal override S3TestServer Server => S3TestServer.Rgw;
}
