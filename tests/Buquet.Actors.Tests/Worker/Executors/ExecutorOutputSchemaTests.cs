using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Schemas;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Tests.Worker.Executors;

/// <summary><c>buquet.worker.validate-output</c>: a mismatching output fails for good and is not stored.</summary>
public sealed class ExecutorOutputSchemaTests : IAsyncDisposable
{
    private const string CountOutput = """{"input":{"type":"object","properties":{"qty":{"type":"integer"}}},"output":{"type":"integer","minimum":0}}""";

    private readonly WorkerHarness _h = new();
    private int _runs;

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    /// <summary>A handler returning <paramref name="output"/> (a string here is not the integer the schema asks for).</summary>
    private TaskHandlerRegistry Returning(object output) => new TaskHandlerRegistry().Add<object, object>("count", (_, _) =>
    {
        Interlocked.Increment(ref _runs);
        return Task.FromResult(output);
    });

    [Fact]
    public async Task HandlerDone_OutputFailsSchema_FailsForGoodWithoutStoringIt()
    {
        await _h.Client.Schemas.SetAsync("count", TaskSchema.Parse(CountOutput));
        var task = await _h.Client.SubmitAsync("count", new { qty = 1 }, new SubmitOptions { MaxRetries = 3 });
        _h.StartWorker(WorkerHarness.Settings() with { ValidateOutput = true }, Returning("seven"));

        var finished = await _h.PumpUntilFinishedAsync(1);

        Assert.Equal(ExecutionResult.Failed, finished[0].Outcome);
        var after = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Failed, after.Status);
        Assert.Equal(0, after.RetryCount);
        Assert.StartsWith("Permanent error: The output of task type 'count' does not match its schema (schemas/count.json): ", after.LastError, StringComparison.Ordinal);
        Assert.Null((await _h.Client.GetWithPayloadsAsync(task.Id))!.Output);
        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task HandlerDone_OutputMatchesSchema_Completed()
    {
        await _h.Client.Schemas.SetAsync("count", TaskSchema.Parse(CountOutput));
        var task = await _h.Client.SubmitAsync("count", new { qty = "not checked: validate-input is off" });
        _h.StartWorker(WorkerHarness.Settings() with { ValidateOutput = true }, Returning(7));

        var finished = await _h.PumpUntilFinishedAsync(1);

        Assert.Equal(ExecutionResult.Completed, finished[0].Outcome);
        Assert.Equal(BuquetTaskStatus.Completed, (await _h.GetAsync(task.Id)).Status);
    }

    [Fact]
    public async Task HandlerDone_ValidateOutputOff_MismatchingOutputCompleted()
    {
        await _h.Client.Schemas.SetAsync("count", TaskSchema.Parse(CountOutput));
        var task = await _h.Client.SubmitAsync("count", new { qty = 1 });
        _h.StartWorker(WorkerHarness.Settings() with { ValidateInput = true }, Returning("seven"));

        var finished = await _h.PumpUntilFinishedAsync(1);

        Assert.Equal(ExecutionResult.Completed, finished[0].Outcome);
        Assert.Equal(BuquetTaskStatus.Completed, (await _h.GetAsync(task.Id)).Status);
    }
}
