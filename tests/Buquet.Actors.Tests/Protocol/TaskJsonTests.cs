using System.Text;
using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Tests.Protocol;

public sealed class TaskJsonTests
{
    public static TheoryData<string> PeerCanonicalFiles => new()
    {
        "task-pending.json", "task-running.json", "task-completed.json", "task-failed.json", "task-cancelled-all-optional-fields.json",
    };

    [Fact]
    public void Parse_EveryVectorFile_Reads()
    {
        var files = Vectors.TaskFiles.ToList();
        Assert.Equal(6, files.Count);
        foreach (var f in files)
        {
            var task = TaskJson.Parse(File.ReadAllBytes(f), Path.GetFileName(f));
            Assert.Equal(TaskKeys.Id(task.Id)[..1], task.Shard);
        }
    }

    [Theory]
    [MemberData(nameof(PeerCanonicalFiles))]
    public void Serialize_PeerCanonicalFile_RoundTripsByteExact(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Vectors.Dir, file));
        var task = TaskJson.Parse(bytes, file);
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(TaskJson.Serialize(task)));
    }

    [Fact]
    public void Parse_MinimalRequiredOnly_AppliesPeerDefaults()
    {
        var task = TaskJson.Parse(File.ReadAllBytes(Path.Combine(Vectors.Dir, "task-minimal-required-only.json")), "k");
        Assert.Equal(300, task.TimeoutSeconds);
        Assert.Equal(3, task.MaxRetries);
        Assert.Equal(RetryPolicy.Default, task.RetryPolicy);
        Assert.Equal(BuquetTaskStatus.Pending, task.Status);
        Assert.Null(task.LeaseId);
        Assert.Equal(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero), task.CreatedAt);
    }

    [Fact]
    public void Serialize_MinimalRequiredOnly_WritesEveryAlwaysFieldAndNoSkipField()
    {
        var task = TaskJson.Parse(File.ReadAllBytes(Path.Combine(Vectors.Dir, "task-minimal-required-only.json")), "k");
        var text = Encoding.UTF8.GetString(TaskJson.Serialize(task with { UpdatedAt = task.UpdatedAt.AddSeconds(1) }));
        using var doc = JsonDocument.Parse(text);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(
            ["id", "shard", "task_type", "input", "output", "timeout_seconds", "max_retries", "retry_count", "retry_policy", "status", "created_at", "available_at", "lease_expires_at", "lease_id", "attempt", "updated_at", "completed_at", "worker_id", "last_error", "reschedule_count", "cancel_requested"],
            names);
        Assert.Contains("\"updated_at\":\"2026-01-28T12:00:01Z\"", text, StringComparison.Ordinal);
        Assert.Contains("\"retry_policy\":{\"initial_interval_ms\":1000,\"max_interval_ms\":60000,\"multiplier\":2.0,\"jitter_percent\":0.25}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_UnknownFields_ArePreservedAfterKnownOnes()
    {
        var json = """{"id":"b1b2c3d4-e5f6-4789-abcd-ef1234567890","shard":"b","task_type":"echo","input":null,"future":{"x":[1,2.50]},"created_at":"2026-01-28T12:00:00Z","available_at":"2026-01-28T12:00:00Z","updated_at":"2026-01-28T12:00:00Z"}""";
        var task = TaskJson.Parse(Encoding.UTF8.GetBytes(json), "k");
        var text = Encoding.UTF8.GetString(TaskJson.Serialize(task with { Status = BuquetTaskStatus.Running }));
        Assert.EndsWith(",\"cancel_requested\":false,\"future\":{\"x\":[1,2.50]}}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_NewTimestamp_UsesAutoSiFractions()
    {
        var t0 = new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal("2026-01-28T12:00:00Z", Rfc3339.Format(t0));
        Assert.Equal("2026-01-28T12:00:00.500Z", Rfc3339.Format(t0.AddMilliseconds(500)));
        Assert.Equal("2026-01-28T12:00:00.000100Z", Rfc3339.Format(t0.AddTicks(1000)));
        Assert.Equal("2026-01-28T12:00:00.000000100Z", Rfc3339.Format(t0.AddTicks(1)));
    }

    [Theory]
    [InlineData("2026-01-28T12:00:00", false)]
    [InlineData("2026-01-28T12:00:00.481516234Z", true)]
    [InlineData("2026-01-28T14:00:00+02:00", true)]
    [InlineData("2026-01-28 12:00:00Z", true)]
    [InlineData("2026-01-28T12:00:00.Z", false)]
    [InlineData("not a time at all, no", false)]
    public void Rfc3339_TryParse_RequiresOffset(string text, bool ok)
    {
        Assert.Equal(ok, Rfc3339.TryParse(text, out var t));
        if (ok)
        {
            Assert.Equal(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(t.UtcDateTime.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero));
        }
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1]", "expected a JSON object")]
    [InlineData("""{"id":"x","shard":"a","task_type":"t","input":null,"created_at":"2026-01-28T12:00:00Z","available_at":"2026-01-28T12:00:00Z","updated_at":"2026-01-28T12:00:00Z"}""", "'id' must be a UUID")]
    [InlineData("""{"id":"b1b2c3d4-e5f6-4789-abcd-ef1234567890","shard":"a","task_type":"t","created_at":"2026-01-28T12:00:00Z","available_at":"2026-01-28T12:00:00Z","updated_at":"2026-01-28T12:00:00Z"}""", "'input' is missing")]
    [InlineData("""{"id":"b1b2c3d4-e5f6-4789-abcd-ef1234567890","shard":"a","task_type":"t","input":1,"max_retries":3.0,"created_at":"2026-01-28T12:00:00Z","available_at":"2026-01-28T12:00:00Z","updated_at":"2026-01-28T12:00:00Z"}""", "'max_retries' must be")]
    [InlineData("""{"id":"b1b2c3d4-e5f6-4789-abcd-ef1234567890","shard":"a","task_type":"t","input":1,"retry_count":-1,"created_at":"2026-01-28T12:00:00Z","available_at":"2026-01-28T12:00:00Z","updated_at":"2026-01-28T12:00:00Z"}""", "'retry_count' must be")]
    [InlineData("""{"id":"b1b2c3d4-e5f6-4789-abcd-ef1234567890","shard":"a","task_type":"t","input":1,"status":"done","created_at":"2026-01-28T12:00:00Z","available_at":"2026-01-28T12:00:00Z","updated_at":"2026-01-28T12:00:00Z"}""", "'status' must be")]
    [InlineData("""{"id":"b1b2c3d4-e5f6-4789-abcd-ef1234567890","shard":"a","task_type":"t","input":1,"created_at":"2026-01-28T12:00:00","available_at":"2026-01-28T12:00:00Z","updated_at":"2026-01-28T12:00:00Z"}""", "'created_at' must be an RFC 3339")]
    public void TryParse_MalformedObject_ReportsKeyAndProblem(string json, string problem)
    {
        Assert.False(TaskJson.TryParse(Encoding.UTF8.GetBytes(json), "tasks/a/x.json", out var task, out var error));
        Assert.Null(task);
        Assert.Equal("tasks/a/x.json", error!.Key);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2.0, "2.0")]
    [InlineData(0.25, "0.25")]
    [InlineData(1e20, "1e20")]
    [InlineData(1e16, "1e16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(-1.5e-7, "-1.5e-7")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(0.0, "0.0")]
    public void FormatFloat_Values_MatchRyu(double value, string expected) => Assert.Equal(expected, JsonOut.FormatFloat(value));
}
