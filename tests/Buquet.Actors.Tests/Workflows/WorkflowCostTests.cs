using Buquet.Actors.Client;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Worker;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Workflows;
using Xunit.Abstractions;

namespace Buquet.Actors.Tests.Workflows;

/// <summary>What the workflow layer (orchestrator and step handlers) asks of the store, counted by request.</summary>
public sealed class WorkflowCostTests(ITestOutputHelper output) : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task Run_FanOutOf100_TaskReadsGrowLinearly()
    {
        const int n = 100;
        var byKey = new GetCountingStore(_h.Memory);
        var counted = new RequestCountingObjectStore(byKey);
        var engineClient = new BuquetClient(counted, new BuquetClientOptions(), _h.StoreClock, _h.Clock, null);
        var wf = new WorkflowDefinition("fan100")
            .Step("split", _ => Task.FromResult(Enumerable.Range(0, n).ToArray()))
            .Map("double", "split", ctx => Task.FromResult(ctx.ItemAs<int>() * 2))
            .Step("sum", ctx => Task.FromResult(ctx.Result<int[]>("double")!.Sum()), new StepOptions { DependsOn = ["double"] });
        _h.StartWorker(WorkerHarness.Settings(concurrency: 16), new TaskHandlerRegistry().AddWorkflows(engineClient, null, wf));

        await new WorkflowClient(engineClient).StartAsync(wf, null, "wf-cost");
        var state = await _h.RunUntilAsync(new WorkflowClient(_h.Client), "wf-cost", WorkflowStatus.Completed, WorkflowStatus.Failed);
        var counts = counted.Snapshot();
        output.WriteLine($"fan-out of {n}, workflow layer: task GETs={byKey.Gets("tasks")} state GETs={byKey.Gets("workflow")} GET={counts[StoreOperation.Get]} PUT={counts[StoreOperation.Put]} LIST={counts[StoreOperation.List]} HEAD={counts[StoreOperation.Head]} total={counts.Total} ({counts})");

        Assert.Equal(WorkflowStatus.Completed, state.Status);
        Assert.Equal(n * (n - 1), state.Steps["sum"].Result!.Value.GetInt32());
        // Reads of step tasks: at most one per element (O(n)); reading every running step's task per pass was O(n²).
        Assert.InRange(byKey.Gets("tasks"), 0, 2 * n);
    }
}
