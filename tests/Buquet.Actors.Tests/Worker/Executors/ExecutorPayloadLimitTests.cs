using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Tests.Worker.Executors;

public sealed class ExecutorPayloadLimitTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task Complete_OutputOverMaxPayloadSize_TaskFailsNamingSizeAndLimit()
    {
        var handlers = new TaskHandlerRegistry().Add<object, string>("big", (_, _) => Task.FromResult(new string('x', 30)));
        var task = await _h.Client.SubmitAsync("big", new { });
        _h.StartWorker(WorkerHarness.Settings() with { MaxPayloadSize = 20 }, handlers);

        var finished = await _h.PumpUntilFinishedAsync(1);

        Assert.Equal(ExecutionResult.Failed, finished[0].Outcome);
        var after = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Failed, after.Status);
        Assert.Null(after.Output);
        Assert.Null(after.OutputRef);
        Assert.StartsWith("Permanent error: The task output is 32 bytes, above buquet.queue.max-payload-size = 20 (20 bytes).", after.LastError, StringComparison.Ordinal);
        Assert.Null(await _h.Store.GetAsync(TaskKeys.PayloadOutput(task.Id)));
    }

    [Fact]
    public async Task Complete_OutputOverOffloadThresholdWithinLimit_OffloadedAndCompleted()
    {
        var handlers = new TaskHandlerRegistry().Add<object, string>("big", (_, _) => Task.FromResult(new string('x', 30)));
        var task = await _h.Client.SubmitAsync("big", new { });
        _h.StartWorker(WorkerHarness.Settings() with { MaxPayloadSize = 32, PayloadOffloadThreshold = 10 }, handlers);

        var finished = await _h.PumpUntilFinishedAsync(1);

        Assert.Equal(ExecutionResult.Completed, finished[0].Outcome);
        var after = await _h.GetAsync(task.Id);
        Assert.Equal(TaskKeys.PayloadOutput(task.Id), after.OutputRef);
        Assert.Equal(32, (await _h.Store.GetAsync(TaskKeys.PayloadOutput(task.Id)))!.Body.Length);
    }
}
