using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli.Schedules;

/// <summary>End-to-end runs of <c>buquet schedule ...</c> (the built executable) against a local-directory store and moto.</summary>
public sealed class ScheduleCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly BuquetProcess _buquet;

    public ScheduleCommandTests() => _buquet = new BuquetProcess(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private static JsonElement Json(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task Create_WithExtensions_ShowReturnsStableShapeAndNextRuns()
    {
        var created = Json(await _buquet.RunAsync(
            "schedule", "create", "nightly", "-t", "report", "-c", "0 9 * * 2-6", "-i", "{\"k\":1}", "--timeout", "5m",
            "--retries", "2", "--tz", "Europe/Paris", "--catch-up", "all:3", "--jitter", "30s", "--json"));

        Assert.Equal("nightly", created.GetProperty("id").GetString());
        Assert.Equal("report", created.GetProperty("task_type").GetString());
        Assert.Equal(300, created.GetProperty("timeout_seconds").GetInt64());
        Assert.Equal(2, created.GetProperty("max_retries").GetInt32());
        Assert.Equal(1, created.GetProperty("input").GetProperty("k").GetInt32());
        var ext = created.GetProperty("extensions");
        Assert.Equal("Europe/Paris", ext.GetProperty("time_zone").GetString());
        Assert.Equal("all:3", ext.GetProperty("catch_up").GetString());
        Assert.Equal(30, ext.GetProperty("jitter_seconds").GetDouble());
        Assert.Equal("after-creation", ext.GetProperty("first_run").GetString());

        var show = Json(await _buquet.RunAsync("schedule", "show", "nightly", "--next", "3", "--json"));
        Assert.Equal("0 9 * * 2-6", show.GetProperty("schedule").GetProperty("cron").GetString());
        Assert.Equal(JsonValueKind.Null, show.GetProperty("last_run").ValueKind);
        var next = show.GetProperty("next_runs").EnumerateArray().Select(e => DateTimeOffset.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, next.Count);
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        Assert.All(next, n =>
        {
            var local = TimeZoneInfo.ConvertTime(n, paris);
            Assert.Equal(9, local.Hour);
            Assert.InRange((int)local.DayOfWeek, 1, 5); // Quartz 2-6 = Monday..Friday.
        });
    }

    [Fact]
    public async Task Create_BadCron_ExitsOneNamingTheField()
    {
        var run = await _buquet.RunAsync("schedule", "create", "bad", "-t", "x", "-c", "0 25 * * *");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("hour", run.Stderr);
        Assert.Contains("\"25\"", run.Stderr);
        Assert.Contains("Suggestion: Give 5 fields", run.Stderr);
        Assert.Contains("No schedules.", (await _buquet.RunAsync("schedule", "list")).Stdout);
    }

    [Fact]
    public async Task Create_Duplicate_ExitsOne()
    {
        Json(await _buquet.RunAsync("schedule", "create", "dup", "-t", "x", "-c", "* * * * *", "--json"));

        var run = await _buquet.RunAsync("schedule", "create", "dup", "-t", "y", "-c", "* * * * *", "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: Schedule 'dup' already exists", run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal(1, doc.RootElement.GetProperty("error").GetProperty("exit_code").GetInt32());
        var show = Json(await _buquet.RunAsync("schedule", "show", "dup", "--json"));
        Assert.Equal("x", show.GetProperty("schedule").GetProperty("task_type").GetString());
    }

    [Fact]
    public async Task UnknownSchedule_EveryCommand_ExitsOne()
    {
        _dir.CreateEmptyStore(); // an existing, empty store (show never creates one)
        foreach (var verb in new[] { "show", "enable", "disable", "delete", "trigger" })
        {
            var run = await _buquet.RunAsync("schedule", verb, "ghost");
            Assert.True(run.ExitCode == 1, verb + ": " + run);
            Assert.Contains("Schedule 'ghost' does not exist", run.Stderr);
            Assert.Contains("Suggestion:", run.Stderr);
        }

        var update = await _buquet.RunAsync("schedule", "update", "ghost", "-c", "* * * * *");
        Assert.Equal(1, update.ExitCode);
        Assert.Contains("Schedule 'ghost' does not exist", update.Stderr);
    }

    [Fact]
    public async Task Lifecycle_UpdateDisableEnableTriggerDelete_Works()
    {
        Json(await _buquet.RunAsync("schedule", "create", "job", "-t", "echo", "-c", "*/5 * * * *", "--json"));

        var updated = Json(await _buquet.RunAsync("schedule", "update", "job", "-c", "0 * * * *", "--catch-up", "latest", "--json"));
        Assert.Equal("0 * * * *", updated.GetProperty("cron").GetString());
        Assert.Equal("echo", updated.GetProperty("task_type").GetString());
        Assert.Equal("latest", updated.GetProperty("extensions").GetProperty("catch_up").GetString());
        Assert.Equal("UTC", updated.GetProperty("extensions").GetProperty("time_zone").GetString());

        Assert.False(Json(await _buquet.RunAsync("schedule", "disable", "job", "--json")).GetProperty("enabled").GetBoolean());
        var disabled = Json(await _buquet.RunAsync("schedule", "show", "job", "--json"));
        Assert.Empty(disabled.GetProperty("next_runs").EnumerateArray());
        Assert.True(Json(await _buquet.RunAsync("schedule", "enable", "job", "--json")).GetProperty("enabled").GetBoolean());

        var trigger = Json(await _buquet.RunAsync("schedule", "trigger", "job", "--json"));
        var taskId = trigger.GetProperty("task").GetProperty("id").GetString()!;
        var status = Json(await _buquet.RunAsync("status", taskId, "--json"));
        Assert.Equal("echo", status.GetProperty("task_type").GetString());
        Assert.Equal("pending", status.GetProperty("status").GetString());

        var list = Json(await _buquet.RunAsync("schedule", "list", "--json"));
        Assert.Equal("job", Assert.Single(list.GetProperty("schedules").EnumerateArray()).GetProperty("id").GetString());

        Assert.True(Json(await _buquet.RunAsync("schedule", "delete", "job", "--json")).GetProperty("deleted").GetBoolean());
        Assert.Empty(Json(await _buquet.RunAsync("schedule", "list", "--json")).GetProperty("schedules").EnumerateArray());
    }

    [Fact]
    public async Task Update_BadCatchUpOrNoFlags_ExitsOneNamingTheValue()
    {
        Json(await _buquet.RunAsync("schedule", "create", "job", "-t", "echo", "-c", "* * * * *", "--json"));

        var bad = await _buquet.RunAsync("schedule", "update", "job", "--catch-up", "sometimes");
        var none = await _buquet.RunAsync("schedule", "update", "job");

        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("sometimes", bad.Stderr);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("Nothing to update", none.Stderr);
    }

    [Fact]
    [Trait("Backend", "moto")]
    public async Task Moto_CreateShowTriggerDelete_WorkEndToEnd()
    {
        var bucket = await Moto.CreateBucketAsync();
        var buquet = new BuquetProcess(_dir.Path, Moto.Environment(bucket));

        Json(await buquet.RunAsync("schedule", "create", "s3-sched", "-t", "echo", "-c", "*/10 * * * *", "--disabled", "--json"));
        var show = Json(await buquet.RunAsync("schedule", "show", "s3-sched", "--json"));
        var trigger = Json(await buquet.RunAsync("schedule", "trigger", "s3-sched", "--json"));
        var dup = await buquet.RunAsync("schedule", "create", "s3-sched", "-t", "echo", "-c", "* * * * *");
        var badCron = await buquet.RunAsync("schedule", "create", "other", "-t", "echo", "-c", "* * * 13 *");
        Json(await buquet.RunAsync("schedule", "delete", "s3-sched", "--json"));
        var gone = await buquet.RunAsync("schedule", "show", "s3-sched");

        Assert.False(show.GetProperty("schedule").GetProperty("enabled").GetBoolean());
        Assert.Equal("echo", trigger.GetProperty("task").GetProperty("task_type").GetString());
        Assert.Equal(1, dup.ExitCode);
        Assert.Equal(1, badCron.ExitCode);
        Assert.Contains("month", badCron.Stderr);
        Assert.Equal(1, gone.ExitCode);
        Assert.False(Directory.Exists(_dir.StorePath), "an S3 run must not touch the local store");
    }
}
