using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Tests.Worker;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Workflows;

namespace Buquet.Actors.Tests.Workflows;

/// <summary>
/// ADR 0023: orchestrator tasks are leased for <see cref="WorkflowTaskTypes.OrchestrateTimeout"/> whoever submits them,
/// steps for their own timeout (the sample diamond's: 10 s), so a killed worker's workflows resume in about a minute.
/// </summary>
public sealed class WorkflowTimeoutTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task Run_SampleDiamond_OrchestratorTasksUseOrchestrateTimeoutAndStepsTheDiamondStepTimeout()
    {
        var handlers = new TaskHandlerRegistry();
        WorkflowRegistration.Register(handlers, _h.Client, null, [SampleWorkflows.Diamond()]);
        _h.StartWorker(WorkerHarness.Settings(), handlers);
        var workflows = new WorkflowClient(_h.Client);

        await workflows.StartAsync(SampleWorkflows.Diamond(), new { order = 1 }, "wf-timeouts");
        var state = await _h.RunUntilAsync(workflows, "wf-timeouts", WorkflowStatus.Completed, WorkflowStatus.Failed);
        var tasks = (await _h.Client.ListAsync(new TaskQuery { PageSize = 1000 })).Tasks;

        Assert.Equal(WorkflowStatus.Completed, state.Status);
        var orchestrators = tasks.Where(t => t.TaskType == WorkflowTaskTypes.Orchestrate).ToList();
        var steps = tasks.Where(t => t.TaskType.StartsWith("workflow.step:", StringComparison.Ordinal)).ToList();
        Assert.True(orchestrators.Count >= 4, $"start plus one per step end, got {orchestrators.Count}");
        Assert.All(orchestrators, t => Assert.Equal(60, t.TimeoutSeconds));
        Assert.Equal(4, steps.Count);
        Assert.All(steps, t => Assert.Equal(10, t.TimeoutSeconds));
    }

    [Fact]
    public async Task SignalAndResume_Workflow_SubmitOrchestratorTasksWithOrchestrateTimeout()
    {
        var workflows = new WorkflowClient(_h.Client);
        await workflows.StartAsync(SampleWorkflows.Diamond(), null, "wf-signalled");
        await workflows.PauseAsync("wf-signalled");

        await workflows.SignalAsync("wf-signalled", "go", new { });
        await workflows.ResumeAsync("wf-signalled");
        var tasks = (await _h.Client.ListAsync(new TaskQuery { TaskType = WorkflowTaskTypes.Orchestrate })).Tasks;

        Assert.Equal(3, tasks.Count); // start, signal, resume
        Assert.All(tasks, t => Assert.Equal((long)WorkflowTaskTypes.OrchestrateTimeout.TotalSeconds, t.TimeoutSeconds));
    }

    [Fact]
    public void SweepSettings_FromOptions_TakeIntervalAndStuckAfter()
    {
        var settings = WorkflowSweep.Settings.FromOptions(new WorkflowSweeperOptions { Interval = TimeSpan.FromSeconds(7), StuckAfter = TimeSpan.FromSeconds(45) });

        Assert.Equal(new WorkflowSweep.Settings(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(45)), settings);
        Assert.Equal(new WorkflowSweep.Settings(BuquetDefaults.WorkflowSweeperInterval, BuquetDefaults.WorkflowSweeperStuckAfter), WorkflowSweep.Settings.Default);
    }
}
