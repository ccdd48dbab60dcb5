using Akka.Actor;
using Buquet.Actors.IntegrationTests.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Workflows;
using ExecutorProtocol = Buquet.Actors.Worker.Executors.Executor;

namespace Buquet.Actors.IntegrationTests.Workflows;

/// <summary>Workflows on a real S3 server: the sample diamond completes, and a signal wakes a waiting step.</summary>
[Collection(SerialS3Collection.Name)]
public sealed class MotoWorkflowIntegrationTests : S3Bucket
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    internal override S3TestServer Server => S3TestServer.Moto;

    private static WorkerSettings Settings() => new()
    {
        WorkerId = "worker-wf",
        Concurrency = 4,
        Polling = new PollingSettings(Buquet.Actors.Configuration.PollingStrategy.Adaptive, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), 2.0, TimeSpan.FromMilliseconds(500), 0.1),
    };

    /// <summary>Waits on finished executions until the workflow is in one of <paramref name="statuses"/>.</summary>
    private static async Task<WorkflowState> WaitForAsync(WorkflowClient client, Akka.TestKit.TestProbe finished, string id, params WorkflowStatus[] statuses)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var state = (await client.GetAsync(id))!;
            if (statuses.Contains(state.Status))
            {
                return state;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(start) < Guard, $"workflow {id} still {state.Status}");
            await finished.TryReceiveAsync<ExecutorProtocol.ExecutionFinished>(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task Run_DiamondAndSignalWait_CompleteOnS3()
    {
        var approval = new WorkflowDefinition("approval")
            .Step("prepare", _ => Task.FromResult("ready"))
            .WaitForSignal("approved", "approve", new StepOptions { DependsOn = ["prepare"], Timeout = TimeSpan.FromMinutes(5) })
            .Step("ship", ctx => Task.FromResult(ctx.Result("approved")!.Value.GetProperty("by").GetString()), new StepOptions { DependsOn = ["approved"] });
        var client = NewClient(await NewStoreAsync());
        var handlers = new TaskHandlerRegistry().AddWorkflows(client, null, SampleWorkflows.Diamond(), approval);
        var runtime = WorkerFactory.CreateRuntime(await NewStoreAsync(), Settings(), handlers, 1, TimeProvider.System, SeededRandom.Source(3));
        var system = TestActorSystem.Create(TimeProvider.System);
        try
        {
            var finished = system.CreateProbe("finished");
            finished.SubscribeTo<ExecutorProtocol.ExecutionFinished>();
            WorkerFactory.Start(system, runtime);
            var workflows = new WorkflowClient(client);

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
        }
        finally
        {
            await system.Terminate().WaitAsync(Guard);
        }
    }
}
