using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Tests.Worker;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Workflows;

namespace Buquet.Actors.Tests.Workflows;

/// <summary>Which <c>workflow.orchestrate</c> tasks a worker claims (only workflow types it has registered).</summary>
public sealed class WorkflowClaimTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task Orchestrate_InputNamesTypeNotRegisteredHere_NotClaimedNoRetryUsed()
    {
        var known = new WorkflowDefinition("known").Step("a", _ => Task.FromResult("a"));
        var client = _h.StartWorkflows(known);

        var foreign = await client.StartAsync("unknown-here", "sha256:0000000000000000", null, "wf-foreign");
        await client.StartAsync(known, null, "wf-known");
        await _h.RunUntilAsync(client, "wf-known", WorkflowStatus.Completed);
        var task = await _h.GetAsync(Guid.Parse(foreign.OrchestratorTaskId!));

        Assert.Equal(BuquetTaskStatus.Pending, task.Status);
        Assert.Null(task.WorkerId);
        Assert.Equal(0, task.RescheduleCount);
        Assert.Equal(0, task.RetryCount);
        Assert.Equal(WorkflowStatus.Running, (await client.GetAsync("wf-foreign"))!.Status);
    }

    [Fact]
    public async Task Orchestrate_PythonInputWithoutTypeNotRegisteredHere_RescheduledNotFailed()
    {
        var client = _h.StartWorkflows(new WorkflowDefinition("known").Step("a", _ => Task.FromResult("a")));

        await client.StartAsync("unknown-here", "sha256:0000000000000000", null, "wf-py-foreign");
        var python = await _h.Client.SubmitAsync(WorkflowTaskTypes.Orchestrate, new Dictionary<string, string> { ["workflow_id"] = "wf-py-foreign" }, new SubmitOptions { IdempotencyKey = "wf-py-foreign:orchestrate:python" });
        await _h.PumpUntilFinishedAsync(1);
        var task = await _h.GetAsync(python.Id);

        Assert.Equal(BuquetTaskStatus.Pending, task.Status);
        Assert.Equal(1, task.RescheduleCount);
        Assert.Equal(0, task.RetryCount);
        Assert.Equal(WorkflowStatus.Running, (await client.GetAsync("wf-py-foreign"))!.Status);
    }

    [Fact]
    public void AddWorkflows_NoDefinitions_OrchestrateNotClaimed()
    {
        var handlers = new TaskHandlerRegistry().AddWorkflows(_h.Client, null);

        Assert.False(handlers.Handles(WorkflowTaskTypes.Orchestrate));
    }
}
