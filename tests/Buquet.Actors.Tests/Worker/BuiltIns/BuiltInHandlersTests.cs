using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Tests.Worker.BuiltIns;

public sealed class BuiltInHandlersTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private TaskHandlerRegistry Handlers() => new TaskHandlerRegistry().AddBuiltIns(_h.Clock);

    [Fact]
    public async Task Echo_OutputEqualsInput()
    {
        var task = await _h.Client.SubmitAsync(BuiltInHandlers.Echo, new { hello = "world", n = 3 });
        _h.StartWorker(WorkerHarness.Settings(), Handlers());

        await _h.PumpUntilFinishedAsync(1);

        var done = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Completed, done.Status);
        Assert.Equal(task.Input!.Value.GetRawText(), done.Output!.Value.GetRawText());
    }

    [Fact]
    public async Task Sleep_WaitsOnTheClockThenCompletes()
    {
        var task = await _h.Client.SubmitAsync(BuiltInHandlers.Sleep, new { ms = 3000 });
        _h.StartWorker(WorkerHarness.Settings(), Handlers());

        await _h.PumpUntilFinishedAsync(1, TimeSpan.FromMilliseconds(500));

        var done = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Completed, done.Status);
        Assert.True(done.CompletedAt - done.CreatedAt >= TimeSpan.FromSeconds(3));
        Assert.Equal(3000, done.Output!.Value.GetProperty("slept_ms").GetInt64());
    }

    [Fact]
    public async Task Sleep_LongerThanTimeout_CancelledAndRetried()
    {
        var task = await _h.Client.SubmitAsync(BuiltInHandlers.Sleep, new { ms = 60_000 }, new SubmitOptions { Timeout = TimeSpan.FromSeconds(5) });
        _h.StartWorker(WorkerHarness.Settings(), Handlers());

        var finished = await _h.PumpUntilFinishedAsync(1, TimeSpan.FromSeconds(1));

        Assert.Equal(Buquet.Actors.Worker.Executors.ExecutionResult.Retried, finished[0].Outcome);
        Assert.Equal("Task execution timed out", (await _h.GetAsync(task.Id)).LastError);
    }

    [Fact]
    public async Task Sleep_IgnoringCancellation_AbandonedOnlyAfterTimeoutPlusGrace()
    {
        var task = await _h.Client.SubmitAsync(BuiltInHandlers.Sleep, new { ms = 60_000, ignore_cancellation = true }, new SubmitOptions { Timeout = TimeSpan.FromSeconds(5) });
        var started = _h.Clock.GetUtcNow();
        var settings = WorkerHarness.Settings();
        _h.StartWorker(settings, Handlers());

        var finished = await _h.PumpUntilFinishedAsync(1, TimeSpan.FromSeconds(1));

        Assert.Equal(Buquet.Actors.Worker.Executors.ExecutionResult.Retried, finished[0].Outcome);
        Assert.True(_h.Clock.GetUtcNow() - started >= TimeSpan.FromSeconds(5) + settings.TimeoutGrace, "a handler honouring cancellation would finish at the timeout");
        Assert.Equal(BuquetTaskStatus.Pending, (await _h.GetAsync(task.Id)).Status);
    }

    [Fact]
    public async Task Fail_FailsFirstAttemptsThenSucceeds()
    {
        var task = await _h.Client.SubmitAsync(BuiltInHandlers.Fail, new { times = 2 });
        _h.StartWorker(WorkerHarness.Settings(), Handlers());

        var finished = await _h.PumpUntilFinishedAsync(3, TimeSpan.FromMilliseconds(500));

        var done = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Completed, done.Status);
        Assert.Equal(3, done.Attempt);
        Assert.Equal(2, done.RetryCount);
        Assert.Equal(3, done.Output!.Value.GetProperty("attempt").GetInt64());
        Assert.Equal(2, finished.Count(f => f.Outcome == Buquet.Actors.Worker.Executors.ExecutionResult.Retried));
    }

    [Fact]
    public async Task Fail_MoreTimesThanRetries_Failed()
    {
        var task = await _h.Client.SubmitAsync(BuiltInHandlers.Fail, new { times = 5 }, new SubmitOptions { MaxRetries = 1 });
        _h.StartWorker(WorkerHarness.Settings(), Handlers());

        await _h.PumpUntilFinishedAsync(2, TimeSpan.FromMilliseconds(500));

        var done = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Failed, done.Status);
        Assert.StartsWith("Retryable error: buquet.fail", done.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reschedule_ReschedulesThenSucceeds()
    {
        var task = await _h.Client.SubmitAsync(BuiltInHandlers.Reschedule, new { times = 2, delay_s = 3 });
        _h.StartWorker(WorkerHarness.Settings(), Handlers());

        await _h.PumpUntilFinishedAsync(3, TimeSpan.FromMilliseconds(500));

        var done = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Completed, done.Status);
        Assert.Equal(2, done.RescheduleCount);
        Assert.Equal(0, done.RetryCount);
        Assert.True(done.CompletedAt - done.CreatedAt >= TimeSpan.FromSeconds(6));
    }

    [Fact]
    public void AddBuiltIns_KeepsApplicationHandlerOfSameType()
    {
        var registry = new TaskHandlerRegistry().Add<object>(BuiltInHandlers.Echo, (_, _) => Task.CompletedTask);

        registry.AddBuiltIns();

        Assert.Equal(4, registry.TaskTypes.Count);
    }
}
