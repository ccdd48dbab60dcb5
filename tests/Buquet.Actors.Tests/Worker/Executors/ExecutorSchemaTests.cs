using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Schemas;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Tests.Worker.Idle;

namespace Buquet.Actors.Tests.Worker.Executors;

/// <summary><c>buquet.worker.validate-input</c>: a mismatching input fails for good, before the handler runs.</summary>
public sealed class ExecutorSchemaTests : IAsyncDisposable
{
    private const string Order = """{"input":{"type":"object","properties":{"qty":{"type":"integer","minimum":1}},"required":["qty"]}}""";

    private readonly WorkerHarness _h = new();
    private int _runs;

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private TaskHandlerRegistry Handlers() => new TaskHandlerRegistry().Add<object, string>("order", (_, _) =>
    {
        Interlocked.Increment(ref _runs);
        return Task.FromResult("ok");
    });

    [Fact]
    public async Task Start_InputFailsSchema_FailsForGoodWithoutRunningHandler()
    {
        await _h.Client.Schemas.SetAsync("order", TaskSchema.Parse(Order));
        var task = await _h.Client.SubmitAsync("order", new { qty = "two" }, new SubmitOptions { MaxRetries = 3 });
        _h.StartWorker(WorkerHarness.Settings() with { ValidateInput = true }, Handlers());

        var finished = await _h.PumpUntilFinishedAsync(1);

        Assert.Equal(ExecutionResult.Failed, finished[0].Outcome);
        var after = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Failed, after.Status);
        Assert.Equal(0, after.RetryCount);
        Assert.StartsWith("Permanent error: The input of task type 'order' does not match its schema (schemas/order.json): /qty: type: ", after.LastError, StringComparison.Ordinal);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task Start_InputMatchesSchema_HandlerRuns()
    {
        await _h.Client.Schemas.SetAsync("order", TaskSchema.Parse(Order));
        var task = await _h.Client.SubmitAsync("order", new { qty = 2 });
        _h.StartWorker(WorkerHarness.Settings() with { ValidateInput = true }, Handlers());

        var finished = await _h.PumpUntilFinishedAsync(1);

        Assert.Equal(ExecutionResult.Completed, finished[0].Outcome);
        Assert.Equal(1, _runs);
        Assert.Equal(BuquetTaskStatus.Completed, (await _h.GetAsync(task.Id)).Status);
    }

    [Fact]
    public async Task Start_ValidateInputOff_BadInputRunsAndNoSchemaIsRead()
    {
        await _h.Client.Schemas.SetAsync("order", TaskSchema.Parse(Order));
        await _h.Client.SubmitAsync("order", new { qty = "two" });
        var counting = new PrefixCountingObjectStore(_h.Store);
        _h.StartWorker(WorkerHarness.Settings(), Handlers(), store: counting);

        var finished = await _h.PumpUntilFinishedAsync(1);

        Assert.Equal(ExecutionResult.Completed, finished[0].Outcome);
        Assert.Equal(0, counting.GetClass("schemas"));
    }

    [Fact]
    public async Task Start_ValidateInputOnThreeTasks_OneSchemaGetWithinRefreshInterval()
    {
        await _h.Client.Schemas.SetAsync("order", TaskSchema.Parse(Order));
        for (var i = 1; i <= 3; i++)
        {
            await _h.Client.SubmitAsync("order", new { qty = i });
        }

        var counting = new PrefixCountingObjectStore(_h.Store);
        _h.StartWorker(WorkerHarness.Settings() with { ValidateInput = true, SchemaRefreshInterval = TimeSpan.FromHours(1) }, Handlers(), store: counting);

        var finished = await _h.PumpUntilFinishedAsync(3);

        Assert.All(finished, f => Assert.Equal(ExecutionResult.Completed, f.Outcome));
        Assert.Equal(1, counting.Count(StoreOperation.Get, "schemas"));
    }

    [Fact]
    public async Task Start_StoredSchemaMalformed_RetriesNamingKey()
    {
        await _h.Store.PutAsync("schemas/order.json", """{"input":{"type":"strnig"}}"""u8.ToArray(), PutCondition.None);
        var task = await _h.Client.SubmitAsync("order", new { qty = 1 }, new SubmitOptions { MaxRetries = 3 });
        _h.StartWorker(WorkerHarness.Settings() with { ValidateInput = true }, Handlers());

        var finished = await _h.PumpUntilFinishedAsync(1);

        Assert.Equal(ExecutionResult.Retried, finished[0].Outcome);
        var after = await _h.GetAsync(task.Id);
        Assert.Contains("Malformed object 'schemas/order.json'", after.LastError, StringComparison.Ordinal);
        Assert.Equal(0, _runs);
    }
}
