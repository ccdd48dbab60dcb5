using System.Diagnostics;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Diagnostics;

public sealed class BuquetTelemetryTests
{
    [Fact]
    public void Render_AfterTaskEvents_UsesBuquetMetricNamesAndTags()
    {
        using var exporter = new PrometheusExporter();
        var type = "render_" + Guid.NewGuid().ToString("N")[..8];

        BuquetTelemetry.TaskSubmitted(type);
        BuquetTelemetry.TaskSubmitted(type);
        BuquetTelemetry.TaskCompleted(type, TimeSpan.FromMilliseconds(300));
        BuquetTelemetry.TaskFailed(type, TaskFailureReason.NoHandler);
        BuquetTelemetry.Claim(type, won: false);
        using (BuquetTelemetry.TrackInFlight(type))
        {
            Assert.Contains($"buquet_tasks_in_flight{{task_type=\"{type}\"}} 1", exporter.Render(), StringComparison.Ordinal);
        }

        var text = exporter.Render();
        Assert.Contains($"buquet_tasks_submitted_total{{task_type=\"{type}\"}} 2", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_tasks_completed_total{{task_type=\"{type}\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_tasks_failed_total{{reason=\"no_handler\",task_type=\"{type}\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_claims_conflict_total{{task_type=\"{type}\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_task_duration_seconds_bucket{{task_type=\"{type}\",le=\"0.5\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_task_duration_seconds_bucket{{task_type=\"{type}\",le=\"0.25\"}} 0", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_tasks_in_flight{{task_type=\"{type}\"}} 0", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE buquet_task_duration_seconds histogram", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LabelWithQuoteAndNewline_IsEscaped()
    {
        using var exporter = new PrometheusExporter();

        BuquetTelemetry.TaskSubmitted("we\"ird\ntype");

        Assert.Contains("task_type=\"we\\\"ird\\ntype\"", exporter.Render(), StringComparison.Ordinal);
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
        using var exporter = new PrometheusExporter();
        var before = exporter.Render();
        var store = new MeteredObjectStore(new InMemoryObjectStore());
        var key = "metered/" + Guid.NewGuid().ToString("N");

        await store.PutAsync(key, new byte[] { 1 }, PutCondition.IfNoneMatch);
        await store.PutAsync(key, new byte[] { 1 }, PutCondition.IfNoneMatch);
        await store.GetAsync(key + "-missing");

        var after = exporter.Render();
        Assert.True(Count(after, "put", "precondition_failed") - Count(before, "put", "precondition_failed") >= 1);
        Assert.True(Count(after, "get", "not_found") - Count(before, "get", "not_found") >= 1);
        Assert.True(Count(after, "put", "ok") - Count(before, "put", "ok") >= 1);
    }

    private static double Count(string text, string op, string outcome)
    {
        var prefix = $"buquet_s3_requests_total{{operation=\"{op}\",outcome=\"{outcome}\"}} ";
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
