using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Scheduling.Cron;
using Buquet.Actors.Scheduling.Planning;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Scheduling;

public sealed class ScheduleClientTests
{
    private readonly SchedulingFixture _f = new();

    private ScheduleClient Schedules => _f.Client.Schedules;

    [Fact]
    public async Task CreateAsync_NewSchedule_StoresBuquetScheduleJsonExactly()
    {
        await Schedules.CreateAsync(new ScheduleSpec("daily-report", "send_report", "0 9 * * *")
        {
            Input = new { to = "ops" },
            Timeout = TimeSpan.FromSeconds(120),
            MaxRetries = 2,
        });

        var json = await _f.ReadTextAsync("schedules/daily-report.json");
        Assert.Equal(
            """{"id":"daily-report","task_type":"send_report","input":{"to":"ops"},"cron":"0 9 * * *","enabled":true,"timeout_seconds":120,"max_retries":2,"created_at":"2026-01-28T12:00:00Z","updated_at":"2026-01-28T12:00:00Z"}""",
            json);
        Assert.Null(await _f.ReadTextAsync("schedule-options/daily-report.json"));
    }

    [Fact]
    public async Task CreateAsync_ExistingId_ThrowsAlreadyExistsNamingId()
    {
        await Schedules.CreateAsync(new ScheduleSpec("nightly", "t", "0 0 * * *"));

        var ex = await Assert.ThrowsAsync<ScheduleAlreadyExistsException>(
            () => Schedules.CreateAsync(new ScheduleSpec("nightly", "other", "5 0 * * *")));
        Assert.Contains("nightly", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"task_type\":\"t\"", await _f.ReadTextAsync("schedules/nightly.json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_InvalidCron_ThrowsNamingFieldAndWritesNothing()
    {
        var ex = await Assert.ThrowsAsync<CronFormatException>(
            () => Schedules.CreateAsync(new ScheduleSpec("weekly", "t", "0 0 * * 0")));

        Assert.Equal("day-of-week", ex.FieldName);
        Assert.Contains("day-of-week", ex.Message, StringComparison.Ordinal);
        Assert.Null(await _f.ReadTextAsync("schedules/weekly.json"));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("")]
    public async Task CreateAsync_InvalidId_ThrowsArgumentException(string id)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Schedules.CreateAsync(new ScheduleSpec(id, "t", "0 0 * * *")));
    }

    [Fact]
    public async Task CreateAsync_UnknownTimeZone_ThrowsNamingZone()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Schedules.CreateAsync(
            new ScheduleSpec("z", "t", "0 0 * * *") { Extensions = new ScheduleExtensions { TimeZone = "Mars/Olympus" } }));

        Assert.Contains("Mars/Olympus", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_Extensions_StoredOutsideSchedulesPrefixAndReadBack()
    {
        var ext = new ScheduleExtensions
        {
            TimeZone = "Europe/Berlin", CatchUp = CatchUpPolicy.All(5), MaxJitter = TimeSpan.FromSeconds(2), FirstRun = FirstRunPolicy.FromEpoch,
        };
        await Schedules.CreateAsync(new ScheduleSpec("berlin", "t", "0 9 * * *") { Extensions = ext });

        Assert.DoesNotContain("Europe", await _f.ReadTextAsync("schedules/berlin.json"), StringComparison.Ordinal);
        Assert.NotNull(await _f.ReadTextAsync("schedule-options/berlin.json"));
        var listed = Assert.Single((await Schedules.ListAsync()).Schedules);
        Assert.Equal(ext, listed.Extensions);
    }

    [Fact]
    public async Task ListAsync_MalformedAndPeerObjects_ReportsMalformedAndIgnoresLastRun()
    {
        await Schedules.CreateAsync(new ScheduleSpec("b", "t", "0 0 * * *"));
        await Schedules.CreateAsync(new ScheduleSpec("a", "t", "0 1 * * *"));
        await _f.Memory.PutAsync("schedules/broken.json", "{not json"u8.ToArray(), PutCondition.None);
        await _f.Memory.PutAsync("schedules/a/last_run.json", ModelJson.Serialize(new ScheduleLastRun("a", _f.Now, Guid.NewGuid(), _f.Now.AddHours(1))), PutCondition.None);

        var listing = await Schedules.ListAsync();

        Assert.Equal(["a", "b"], listing.Schedules.Select(s => s.Id));
        Assert.Equal("schedules/broken.json", Assert.Single(listing.Malformed).Key);
    }

    [Fact]
    public async Task GetAsync_ZonedSchedule_NextRunsInScheduleZone()
    {
        await Schedules.CreateAsync(new ScheduleSpec("ny", "t", "0 9 * * *") { Extensions = new ScheduleExtensions { TimeZone = "America/New_York" } });

        var details = await Schedules.GetAsync("ny", 3);

        Assert.NotNull(details);
        Assert.Equal(
            [Utc("2026-01-28T14:00:00Z"), Utc("2026-01-29T14:00:00Z"), Utc("2026-01-30T14:00:00Z")],
            details.NextRuns);
        Assert.Null(details.LastRun);
    }

    [Fact]
    public async Task UpdateAsync_ClearExtensions_RemovesOptionsObject()
    {
        await Schedules.CreateAsync(new ScheduleSpec("x", "t", "0 9 * * *") { Extensions = new ScheduleExtensions { TimeZone = "Asia/Tokyo" } });

        var updated = await Schedules.UpdateAsync("x", new ScheduleUpdate { ClearExtensions = true });

        Assert.Null(updated.Extensions);
        Assert.Null(await _f.ReadTextAsync("schedule-options/x.json"));
        Assert.Equal(Utc("2026-01-29T09:00:00Z"), (await Schedules.GetAsync("x", 1))!.NextRuns[0]);
        Assert.Equal(Utc("2026-01-29T08:00:00Z"), (await Schedules.GetAsync("x", 1, "Europe/Paris"))!.NextRuns[0]);
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Schedules.GetAsync("nope"));
    }

    [Fact]
    public async Task UpdateAsync_Fields_ChangesOnlyThoseAndBumpsUpdatedAt()
    {
        await Schedules.CreateAsync(new ScheduleSpec("u", "t", "0 0 * * *") { Input = 1, Timeout = TimeSpan.FromSeconds(30), MaxRetries = 1 });
        _f.Time.Advance(TimeSpan.FromMinutes(5));

        var updated = await Schedules.UpdateAsync("u", new ScheduleUpdate { Cron = "*/5 * * * *", Input = new { n = 2 }, ClearTimeout = true });

        Assert.Equal("*/5 * * * *", updated.Cron);
        Assert.Equal("""{"n":2}""", updated.Input!.Value.GetRawText());
        Assert.Null(updated.Timeout);
        Assert.Equal(1, updated.MaxRetries);
        Assert.Equal(_f.Now, updated.UpdatedAt);
        var stored = ModelJson.ParseSchedule((await _f.Memory.GetAsync("schedules/u.json"))!.Body, "k");
        Assert.Equal(_f.Now.AddMinutes(-5), stored.CreatedAt);
        Assert.Null(stored.TimeoutSeconds);
    }

    [Fact]
    public async Task UpdateAsync_InvalidCron_ThrowsAndKeepsStored()
    {
        await Schedules.CreateAsync(new ScheduleSpec("u", "t", "0 0 * * *"));

        var ex = await Assert.ThrowsAsync<CronFormatException>(() => Schedules.UpdateAsync("u", new ScheduleUpdate { Cron = "61 * * * *" }));

        Assert.Equal("minute", ex.FieldName);
        Assert.Equal("0 0 * * *", (await Schedules.GetAsync("u"))!.Schedule.Cron);
    }

    [Fact]
    public async Task DisableEnableAsync_Toggles_EnabledFlag()
    {
        await Schedules.CreateAsync(new ScheduleSpec("e", "t", "0 0 * * *"));

        Assert.False((await Schedules.DisableAsync("e")).Enabled);
        Assert.Contains("\"enabled\":false", await _f.ReadTextAsync("schedules/e.json"), StringComparison.Ordinal);
        Assert.True((await Schedules.EnableAsync("e")).Enabled);
    }

    [Fact]
    public async Task UpdateAsync_Missing_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<ScheduleNotFoundException>(() => Schedules.EnableAsync("ghost"));
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesDefinitionLastRunAndOptions()
    {
        await Schedules.CreateAsync(new ScheduleSpec("d", "t", "0 0 * * *") { Extensions = new ScheduleExtensions { TimeZone = "Europe/Paris" } });
        await _f.Memory.PutAsync("schedules/d/last_run.json", ModelJson.Serialize(new ScheduleLastRun("d", _f.Now, Guid.NewGuid(), _f.Now)), PutCondition.None);

        Assert.True(await Schedules.DeleteAsync("d"));

        Assert.Null(await _f.ReadTextAsync("schedules/d.json"));
        Assert.Null(await _f.ReadTextAsync("schedules/d/last_run.json"));
        Assert.Null(await _f.ReadTextAsync("schedule-options/d.json"));
        Assert.False(await Schedules.DeleteAsync("d"));
    }

    [Fact]
    public async Task TriggerAsync_Schedule_SubmitsPlainTaskWithoutTouchingLastRun()
    {
        await Schedules.CreateAsync(new ScheduleSpec("tr", "send", "0 0 * * *") { Input = new { x = 1 }, MaxRetries = 7, Timeout = TimeSpan.FromSeconds(42) });

        var first = await Schedules.TriggerAsync("tr");
        var second = await Schedules.TriggerAsync("tr");

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal("send", first.TaskType);
        Assert.Equal(7, first.MaxRetries);
        Assert.Equal(42, first.TimeoutSeconds);
        Assert.Equal("""{"x":1}""", first.Input!.Value.GetRawText());
        Assert.Null(await _f.ReadTextAsync("schedules/tr/last_run.json"));
        Assert.Empty(await _f.Memory.ListAsync(new ListRequest("idempotency/")) is { } p ? p.Objects : []);
    }

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
