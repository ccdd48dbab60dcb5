using System.Diagnostics.Metrics;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Tests.Worker.Executors;

public sealed class ExecutorTelemetryTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task Execution_CompletedAndFailed_RecordsBuquetMetricsTaggedByTaskType()
    {
        // Task types unique to this test so parallel tests cannot add to the counts observed here.
        var ok = "telemetry.ok." + Guid.NewGuid().ToString("N");
        var bad = "telemetry.bad." + Guid.NewGuid().ToString("N");
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(string Instrument, string? Type, string? Reason)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == BuquetTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            string? type = null, reason = null;
            foreach (var tag in tags)
            {
                type = tag.Key == "task_type" ? tag.Value as string : type;
                reason = tag.Key == "reason" ? tag.Value as string : reason;
            }

            seen.Enqueue((instrument.Name, type, reason));
        });
        listener.Start();

        var handlers = new TaskHandlerRegistry()
            .Add<object, string>(ok, (_, _) => Task.FromResult("done"))
            .Add<object>(bad, (_, _) => throw new PermanentTaskException("no"));
        await _h.Client.SubmitAsync(ok, new { });
        await _h.Client.SubmitAsync(bad, new { });
        _h.StartWorker(WorkerHarness.Settings(), handlers);

        var finished = await _h.PumpUntilFinishedAsync(2, TimeSpan.FromSeconds(1));

        Assert.Contains(finished, f => f.Outcome == ExecutionResult.Completed);
        Assert.Contains(finished, f => f.Outcome == ExecutionResult.Failed);
        Assert.Contains(seen, m => m is { Instrument: "buquet.tasks.completed" } && m.Type == ok);
        Assert.Contains(seen, m => m is { Instrument: "buquet.tasks.failed", Reason: "permanent" } && m.Type == bad);
        Assert.DoesNotContain(seen, m => m.Instrument == "buquet.tasks.completed" && m.Type == bad);
    }
}
