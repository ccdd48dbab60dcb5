using System.Text;
using Buquet.Actors.Client;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Tests.Worker;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Workflows;

namespace Buquet.Actors.Tests.Workflows;

public sealed class WorkflowRecoveryTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private static WorkflowDefinition Linear() => new WorkflowDefinition("linear")
        .Step("a", ctx => Task.FromResult(ctx.DataAs<Dictionary<string, int>>()!["x"] + 1))
        .Step("b", ctx => Task.FromResult(ctx.Result<int>("a") * 10), new StepOptions { DependsOn = ["a"] });

    private WorkflowEngine StartWorker(WorkflowDefinition wf)
    {
        var handlers = new TaskHandlerRegistry();
        var engine = WorkflowRegistration.Register(handlers, _h.Client, null, [wf])!;
        _h.StartWorker(WorkerHarness.Settings(), handlers);
        return engine;
    }

    /// <summary>Writes a state as buquet's Python client does (status running, +00:00 timestamps, no orchestrator id yet).</summary>
    private async Task WritePythonStateAsync(string id, string hash)
    {
        var body = $$"""{"id":"{{id}}","type":"linear","definition_hash":"{{hash}}","status":"running","current_steps":[],"data":{"x":4},"steps":{},"signals":{},"created_at":"2026-11-23T12:00:00.000000000+00:00","updated_at":"2026-11-23T12:00:00.000000000+00:00"}""";
        var put = await _h.Memory.PutAsync(WorkflowKeys.State(id), Encoding.UTF8.GetBytes(body), PutCondition.IfNoneMatch);
        Assert.True(put.Succeeded);
    }

    private Task<WorkflowState> RunUntilCompletedAsync(string id) =>
        _h.RunUntilAsync(new WorkflowClient(_h.Client), id, WorkflowStatus.Completed, WorkflowStatus.Failed, WorkflowStatus.Cancelled, WorkflowStatus.Paused);

    [Fact]
    public async Task Orchestrate_WorkflowWrittenAsPythonDoes_DrivenToCompletion()
    {
        var wf = Linear();
        StartWorker(wf);
        await WritePythonStateAsync("wf-py", wf.DefinitionHash);

        await _h.Client.SubmitAsync(WorkflowTaskTypes.Orchestrate, new Dictionary<string, string> { ["workflow_id"] = "wf-py" }, new SubmitOptions { IdempotencyKey = "wf-py:orchestrate:start" });
        var state = await RunUntilCompletedAsync("wf-py");

        Assert.Equal(WorkflowStatus.Completed, state.Status);
        Assert.Equal(50, state.Steps["b"].Result!.Value.GetInt32());
        var stepTask = (await _h.Client.GetWithPayloadsAsync(Guid.Parse(state.Steps["b"].TaskId ?? (await FindStepTaskAsync("b")).ToString())))!;
        Assert.Equal("""{"success":true,"result":50,"step":"b"}""", stepTask.Output!.Value.GetRawText());
    }

    private async Task<Guid> FindStepTaskAsync(string step)
    {
        var page = await _h.Client.ListAsync(new TaskQuery { TaskType = WorkflowTaskTypes.Step("linear", step) });
        return Assert.Single(page.Tasks).Id;
    }

    [Fact]
    public async Task Sweep_ActiveWorkflowWithoutOrchestrator_RedrivesItToCompletion()
    {
        var wf = Linear();
        var engine = StartWorker(wf);
        await WritePythonStateAsync("wf-lost", wf.DefinitionHash);
        _h.Clock.Advance(TimeSpan.FromMinutes(3));

        var report = await new WorkflowSweeper(engine, TimeSpan.FromMinutes(2)).SweepAsync(CancellationToken.None);
        var state = await RunUntilCompletedAsync("wf-lost");

        Assert.Equal(new WorkflowSweepReport(1, 1, 1), report);
        Assert.Equal(WorkflowStatus.Completed, state.Status);
        Assert.NotNull(state.OrchestratorTaskId);
    }

    [Fact]
    public async Task Sweep_RecentlyChangedWorkflow_NotRedriven()
    {
        var wf = Linear();
        var engine = StartWorker(wf);
        await WritePythonStateAsync("wf-fresh", wf.DefinitionHash);

        var report = await new WorkflowSweeper(engine, TimeSpan.FromMinutes(2)).SweepAsync(CancellationToken.None);

        Assert.Equal(new WorkflowSweepReport(1, 1, 0), report);
        Assert.Empty((await _h.Client.ListAsync(new TaskQuery { TaskType = WorkflowTaskTypes.Orchestrate })).Tasks);
    }

    [Fact]
    public async Task SweepActor_IntervalPassed_SweepsAndReports()
    {
        var wf = Linear();
        var engine = StartWorker(wf);
        var probe = _h.System.CreateProbe("sweeps");
        _h.System.ActorOf(WorkflowSweep.Props(WorkflowSweep.Settings.Default, new WorkflowSweeper(engine, TimeSpan.FromMinutes(2)), probe));

        var completed = await _h.PumpUntilAsync(probe.ExpectMsgAsync<WorkflowSweep.SweepCompleted>(TimeSpan.FromSeconds(20)), TimeSpan.FromSeconds(10));

        Assert.Equal(0, completed.Report.Workflows);
    }
}
