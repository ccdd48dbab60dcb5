using System.Diagnostics;
using System.Diagnostics.Metrics;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Buquet.Actors.Tests.Diagnostics;

public sealed class BuquetTelemetryTests
{
    [Fact]
    public void TaskEvents_Recorded_OnBuquetInstrumentsWithTaskTypeAndReasonTags()
    {
        var type = "events_" + Guid.NewGuid().ToString("N")[..8];
        using var submitted = new MetricCollector<long>(BuquetTelemetry.Meter, "buquet.tasks.submitted");
        using var completed = new MetricCollector<long>(BuquetTelemetry.Meter, "buquet.tasks.completed");
        using var failed = new MetricCollector<long>(BuquetTelemetry.Meter, "buquet.tasks.failed");
        using var conflicts = new MetricCollector<long>(BuquetTelemetry.Meter, "buquet.claims.conflict");
        using var inFlight = new MetricCollector<long>(BuquetTelemetry.Meter, "buquet.tasks.in_flight");
        using var duration = new MetricCollector<double>(BuquetTelemetry.Meter, "buquet.task.duration_seconds");

        BuquetTelemetry.TaskSubmitted(type);
        BuquetTelemetry.TaskSubmitted(type);
        BuquetTelemetry.TaskCompleted(type, TimeSpan.FromMilliseconds(300));
        BuquetTelemetry.TaskFailed(type, TaskFailureReason.NoHandler);
        BuquetTelemetry.Claim(type, won: false);
        using (BuquetTelemetry.TrackInFlight(type))
        {
            Assert.Equal(1, Sum(inFlight, type));
        }

        Assert.Equal(2, Sum(submitted, type));
        Assert.Equal(1, Sum(completed, type));
        Assert.Equal(1, Sum(conflicts, type));
        Assert.Equal(0, Sum(inFlight, type));
        var failure = Assert.Single(failed.GetMeasurementSnapshot(), m => Equals(m.Tags["task_type"], type));
        Assert.Equal("no_handler", failure.Tags["reason"]);
        Assert.Equal(0.3, Assert.Single(duration.GetMeasurementSnapshot(), m => Equals(m.Tags["task_type"], type)).Value, 6);
    }

    [Fact]
    public void DurationHistograms_Advice_AreSecondsWithBuquetBuckets()
    {
        var names = new[] { "buquet.task.duration_seconds", "buquet.reschedule.delay_seconds", "buquet.s3.request.duration_seconds" };
        var seen = new List<Histogram<double>>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter == BuquetTelemetry.Meter && names.Contains(instrument.Name) && instrument is Histogram<double> h)
                {
                    seen.Add(h);
                }
            },
        };
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(BuquetTelemetry).TypeHandle);
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(MeteredObjectStore).TypeHandle);

        listener.Start();

        Assert.Equal(names.Order(StringComparer.Ordinal), seen.Select(h => h.Name).Order(StringComparer.Ordinal));
        Assert.All(seen, h =>
        {
            Assert.Equal("s", h.Unit);
            Assert.Equal([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], h.Advice!.HistogramBucketBoundaries!);
        });
    }

    [Fact]
    public void StartTaskActivity_WithListener_TagsTaskIdTypeAndAttempt()
    {
        var id = Guid.NewGuid();
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == BuquetTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);

        using (var activity = BuquetTelemetry.StartTaskActivity(id, "send_email", 3, "worker-1"))
        {
            BuquetTelemetry.SetTaskOutcome(activity, "failed", "smtp down");
        }

        Activity a;
        lock (stopped)
        {
            a = stopped.Single(x => (string?)x.GetTagItem("buquet.task.id") == id.ToString("D"));
        }

        Assert.Equal("buquet.task.execute", a.OperationName);
        Assert.Equal("send_email", a.GetTagItem("buquet.task.type"));
        Assert.Equal(3L, a.GetTagItem("buquet.task.attempt"));
        Assert.Equal("worker-1", a.GetTagItem("buquet.worker.id"));
        Assert.Equal(ActivityStatusCode.Error, a.Status);
    }

    [Fact]
    public async Task MeteredObjectStore_Requests_CountedByOperationAndOutcome()
    {
        using var requests = new MetricCollector<long>(BuquetTelemetry.Meter, "buquet.s3.requests");
        using var latency = new MetricCollector<double>(BuquetTelemetry.Meter, "buquet.s3.request.duration_seconds");
        var store = new MeteredObjectStore(new InMemoryObjectStore());
        var key = "metered/" + Guid.NewGuid().ToString("N");

        await store.PutAsync(key, new byte[] { 1 }, PutCondition.IfNoneMatch);
        await store.PutAsync(key, new byte[] { 1 }, PutCondition.IfNoneMatch);
        await store.GetAsync(key + "-missing");

        Assert.True(Count(requests, "put", "ok") >= 1);
        Assert.True(Count(requests, "put", "precondition_failed") >= 1);
        Assert.True(Count(requests, "get", "not_found") >= 1);
        Assert.Contains(latency.GetMeasurementSnapshot(), m => Equals(m.Tags["operation"], "put") && !m.Tags.ContainsKey("outcome"));
    }

    private static long Sum(MetricCollector<long> collector, string taskType) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["task_type"], taskType)).Sum(m => m.Value);

    private static long Count(MetricCollector<long> collector, string operation, string outcome) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["operation"], operation) && Equals(m.Tags["outcome"], outcome)).Sum(m => m.Value);
}
