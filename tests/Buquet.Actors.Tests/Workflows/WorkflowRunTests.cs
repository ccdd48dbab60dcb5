using System.Collections.Concurrent;
using System.Text.Json;
using Buquet.Actors.Tests.Worker;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Workflows;

namespace Buquet.Actors.Tests.Workflows;

public sealed class WorkflowRunTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();
    private readonly ConcurrentQueue<string> _ran = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private WorkflowClient Start(params WorkflowDefinition[] definitions) => _h.StartWorkflows(definitions);

    private Func<StepContext, Task<string>> Record(string name) => ctx =>
    {
        _ran.Enqueue(name);
        return Task.FromResult(name);
    };

    private Task<WorkflowState> RunUntilAsync(WorkflowClient client, string id, params WorkflowStatus[] statuses) =>
        _h.RunUntilAsync(client, id, statuses);

    [Fact]
    public async Task Run_Diamond_CompletesWithFanInResults()
    {
        var wf = new WorkflowDefinition("diamond")
            .Step("a", Record("a"))
            .Step("b", Record("b"), new StepOptions { DependsOn = ["a"] })
            .Step("c", Record("c"), new StepOptions { DependsOn = ["a"] })
            .Step("d", ctx => Task.FromResult(ctx.Result<string>("b") + ctx.Result<string>("c")), new StepOptions { DependsOn = ["b", "c"] });
        var client = Start(wf);

        await client.StartAsync(wf, new { n = 1 }, "wf-diamond");
        var state = await RunUntilAsync(client, "wf-diamond", WorkflowStatus.Completed, WorkflowStatus.Failed);

        Assert.Equal(WorkflowStatus.Completed, state.Status);
        Assert.Equal("bc", state.Steps["d"].Result!.Value.GetString());
        Assert.Equal("a", _ran.First());
        Assert.Equal(3, _ran.Count);
        Assert.Equal("bc", (await client.GetStepResultAsync("wf-diamond", "d"))!.Value.GetString());
        Assert.NotNull(state.OrchestratorTaskId);
    }

    [Fact]
    public async Task Run_StepFailsUnderFailWorkflow_WorkflowFailedAndDependentsNotRun()
    {
        var wf = new WorkflowDefinition("failing")
            .Step("a", Record("a"))
            .Step<string>("b", _ => throw new PermanentTaskException("boom"), new StepOptions { DependsOn = ["a"] })
            .Step("c", Record("c"), new StepOptions { DependsOn = ["b"] });
        var client = Start(wf);

        await client.StartAsync(wf, null, "wf-fail");
        var state = await RunUntilAsync(client, "wf-fail", WorkflowStatus.Failed, WorkflowStatus.Completed);

        Assert.Equal(WorkflowStatus.Failed, state.Status);
        Assert.Equal("b", state.Error!.Step);
        Assert.Equal(StepStatus.Failed, state.Steps["b"].Status);
        Assert.DoesNotContain("c", _ran);
    }

    [Fact]
    public async Task Run_StepFailsUnderPauseWorkflow_PausedThenResumeRerunsIt()
    {
        var failures = 1;
        var wf = new WorkflowDefinition("pausing")
            .Step("a", ctx => Interlocked.Decrement(ref failures) >= 0 ? throw new PermanentTaskException("not yet") : Task.FromResult("ok"), new StepOptions { OnFailure = OnFailure.PauseWorkflow });
        var client = Start(wf);

        await client.StartAsync(wf, null, "wf-pause");
        var paused = await RunUntilAsync(client, "wf-pause", WorkflowStatus.Paused, WorkflowStatus.Failed);
        await client.ResumeAsync("wf-pause");
        var state = await RunUntilAsync(client, "wf-pause", WorkflowStatus.Completed, WorkflowStatus.Failed);

        Assert.Equal("StepFailed", paused.Error!.Type);
        Assert.Equal(WorkflowStatus.Completed, state.Status);
        Assert.Equal(2, state.Steps["a"].Attempt);
    }

    [Fact]
    public async Task Run_StepFailsUnderContinue_DependentsSkippedWorkflowCompletes()
    {
        var wf = new WorkflowDefinition("continuing")
            .Step<string>("a", _ => throw new PermanentTaskException("optional"), new StepOptions { OnFailure = OnFailure.Continue })
            .Step("b", Record("b"), new StepOptions { DependsOn = ["a"] })
            .Step("c", Record("c"));
        var client = Start(wf);

        await client.StartAsync(wf, null, "wf-continue");
        var state = await RunUntilAsync(client, "wf-continue", WorkflowStatus.Completed, WorkflowStatus.Failed);

        Assert.Equal(WorkflowStatus.Completed, state.Status);
        Assert.True(state.Steps["b"].IsSkipped);
        Assert.Equal(["c"], _ran);
    }

    [Fact]
    public async Task Run_CompensateStepFails_CompensatesCompletedStepsInReverseOrderOnce()
    {
        var compensated = new ConcurrentQueue<string>();
        Func<StepContext, Task> undo = ctx =>
        {
            compensated.Enqueue(ctx.Step);
            return Task.CompletedTask;
        };
        var wf = new WorkflowDefinition("saga")
            .Step("reserve", Record("reserve"), new StepOptions { Compensate = undo })
            .Step("charge", Record("charge"), new StepOptions { DependsOn = ["reserve"], Compensate = undo })
            .Step("notify", Record("notify"), new StepOptions { DependsOn = ["reserve"] })
            .Step<string>("ship", _ => throw new PermanentTaskException("no stock"), new StepOptions { DependsOn = ["charge", "notify"], OnFailure = OnFailure.Compensate });
        var client = Start(wf);

        await client.StartAsync(wf, null, "wf-saga");
        var state = await RunUntilAsync(client, "wf-saga", WorkflowStatus.Failed, WorkflowStatus.Completed);

        Assert.Equal(WorkflowStatus.Failed, state.Status);
        Assert.Equal(["charge", "reserve"], compensated);
        Assert.Equal(StepState.Compensated, state.Steps["charge"].Error);
        Assert.Equal(StepState.Compensated, state.Steps["reserve"].Error);
        Assert.Null(state.Steps["notify"].Error);
        Assert.Equal("ship", state.Error!.Step);
    }

    [Fact]
    public async Task Run_SignalSent_WaitingStepCompletesWithPayload()
    {
        var wf = new WorkflowDefinition("approval")
            .Step("a", Record("a"))
            .WaitForSignal("approved", "approve", new StepOptions { DependsOn = ["a"], Timeout = TimeSpan.FromMinutes(10) })
            .Step("c", ctx => Task.FromResult(ctx.Result("approved")!.Value.GetProperty("by").GetString()), new StepOptions { DependsOn = ["approved"] });
        var client = Start(wf);

        await client.StartAsync(wf, null, "wf-signal");
        var waiting = await RunUntilAsync(client, "wf-signal", WorkflowStatus.WaitingSignal);
        await client.SignalAsync("wf-signal", "approve", new { by = "ops" });
        var state = await RunUntilAsync(client, "wf-signal", WorkflowStatus.Completed, WorkflowStatus.Failed);

        Assert.Equal(["approved"], waiting.CurrentSteps);
        Assert.Equal(WorkflowStatus.Completed, state.Status);
        Assert.Equal("ops", state.Steps["c"].Result!.Value.GetString());
        Assert.NotNull(state.Signals["approve"]);
    }

    [Fact]
    public async Task Run_NoSignalWithinTimeout_StepFailsAndWorkflowFails()
    {
        var wf = new WorkflowDefinition("expiring")
            .WaitForSignal("approved", "approve", new StepOptions { Timeout = TimeSpan.FromSeconds(30) });
        var client = Start(wf);

        await client.StartAsync(wf, null, "wf-timeout");
        await RunUntilAsync(client, "wf-timeout", WorkflowStatus.WaitingSignal);
        _h.Clock.Advance(TimeSpan.FromSeconds(31));
        var state = await RunUntilAsync(client, "wf-timeout", WorkflowStatus.Failed, WorkflowStatus.Completed);

        Assert.Equal(WorkflowStatus.Failed, state.Status);
        Assert.Contains("no signal 'approve'", state.Steps["approved"].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MapStep_RunsOncePerElementAndFanInGetsResultsInOrder()
    {
        var wf = new WorkflowDefinition("fanout")
            .Step("split", _ => Task.FromResult(new[] { 1, 2, 3, 4 }))
            .Map("double", "split", ctx => Task.FromResult(ctx.ItemAs<int>() * 2))
            .Step("sum", ctx => Task.FromResult(string.Join(",", ctx.Result<int[]>("double")!)), new StepOptions { DependsOn = ["double"] });
        var client = Start(wf);

        await client.StartAsync(wf, null, "wf-fan");
        var state = await RunUntilAsync(client, "wf-fan", WorkflowStatus.Completed, WorkflowStatus.Failed);

        Assert.Equal(WorkflowStatus.Completed, state.Status);
        Assert.Equal("2,4,6,8", state.Steps["sum"].Result!.Value.GetString());
        Assert.Equal(StepStatus.Completed, state.Steps["double[3]"].Status);
    }

    [Fact]
    public async Task Run_StepSkipsBranch_SkippedStepNeverRunsAndJoinRuns()
    {
        var wf = new WorkflowDefinition("branch")
            .Step("decide", ctx =>
            {
                ctx.SkipSteps("slow");
                return Task.FromResult("fast");
            })
            .Step("fast", Record("fast"), new StepOptions { DependsOn = ["decide"] })
            .Step("slow", Record("slow"), new StepOptions { DependsOn = ["decide"] })
            .Step("after-slow", Record("after-slow"), new StepOptions { DependsOn = ["slow"] })
            .Step("join", ctx => Task.FromResult(ctx.WasSkipped("slow")), new StepOptions { DependsOn = ["fast", "slow"] });
        var client = Start(wf);

        await client.StartAsync(wf, null, "wf-branch");
        var state = await RunUntilAsync(client, "wf-branch", WorkflowStatus.Completed, WorkflowStatus.Failed);

        Assert.Equal(WorkflowStatus.Completed, state.Status);
        Assert.Equal(["fast"], _ran);
        Assert.True(state.Steps["after-slow"].IsSkipped);
        Assert.True(state.Steps["join"].Result!.Value.GetBoolean());
    }

    [Fact]
    public async Task Run_HashMismatch_PausesWithVersionMismatch()
    {
        var wf = new WorkflowDefinition("versioned").Step("a", Record("a"));
        var client = Start(wf);

        await client.StartAsync("versioned", "sha256:0000000000000000", null, "wf-old");
        var state = await RunUntilAsync(client, "wf-old", WorkflowStatus.Paused, WorkflowStatus.Completed);

        Assert.Equal("VersionMismatch", state.Error!.Type);
        Assert.Empty(_ran);
    }

    [Fact]
    public async Task Start_SameIdTwice_ReturnsExistingAndStartsOnce()
    {
        var wf = new WorkflowDefinition("once").Step("a", Record("a"));
        var client = Start(wf);

        var first = await client.StartAsync(wf, new { x = 1 }, "wf-once");
        var second = await client.StartAsync(wf, new { x = 2 }, "wf-once");
        await RunUntilAsync(client, "wf-once", WorkflowStatus.Completed);

        Assert.Equal(first.OrchestratorTaskId, second.OrchestratorTaskId);
        Assert.Equal(1, second.Data!.Value.GetProperty("x").GetInt32());
        Assert.Equal(["a"], _ran);
        Assert.Equal(["wf-once"], await client.ListAsync());
    }

    [Fact]
    public async Task Cancel_RunningWorkflow_CancelledAndNotResumedByOrchestration()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wf = new WorkflowDefinition("cancellable")
            .Step("a", async ctx =>
            {
                await gate.Task.WaitAsync(ctx.CancellationToken);
                return "a";
            })
            .Step("b", Record("b"), new StepOptions { DependsOn = ["a"] });
        var client = Start(wf);

        await client.StartAsync(wf, null, "wf-cancel");
        await RunUntilAsync(client, "wf-cancel", WorkflowStatus.Running);
        var cancelled = await client.CancelAsync("wf-cancel", "changed my mind");
        gate.SetResult();

        Assert.Equal(WorkflowStatus.Cancelled, cancelled!.Status);
        Assert.Equal("changed my mind", cancelled.Error!.Message);
        Assert.Empty(_ran);
    }
}
