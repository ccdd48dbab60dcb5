using System.Globalization;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Scheduling.Planning;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Scheduling;

public sealed class SchedulerTickTests
{
    private readonly SchedulingFixture _f = new();

    private ScheduleClient Schedules => _f.Client.Schedules;

    [Fact]
    public async Task RunAsync_NewSchedule_DoesNotFireBeforeFirstSlot()
    {
        await Schedules.CreateAsync(new ScheduleSpec("daily", "report", "0 9 * * *"));
        _f.Time.Advance(TimeSpan.FromMinutes(1));

        var report = await Tick();

        Assert.Equal(0, report.Fired);
        Assert.Empty(await _f.TasksAsync());
        Assert.Null(await LastRun("daily"));
    }

    [Fact]
    public async Task RunAsync_SlotDue_SubmitsWithSlotKeyAndRecordsLastRun()
    {
        await Schedules.CreateAsync(new ScheduleSpec("daily-report", "report", "0 12 * * *") { Input = new { n = 1 }, MaxRetries = 4 });
        _f.SetTime(Utc("2026-01-29T12:00:30Z"));

        var report = await Tick();

        Assert.Equal(1, report.Fired);
        var task = Assert.Single(await _f.TasksAsync());
        Assert.Equal("report", task.TaskType);
        Assert.Equal(4, task.MaxRetries);
        var record = await IdempotencyRecordAsync("report", "schedule:daily-report:1769688000");
        Assert.Equal(task.Id, record.TaskId);
        var last = await LastRun("daily-report");
        Assert.Equal(new ScheduleLastRun("daily-report", _f.Now, task.Id, Utc("2026-01-30T12:00:00Z")), last);
    }

    [Fact]
    public async Task RunAsync_FromEpochPolicy_FiresOnFirstTickWithBuquetKey()
    {
        await Schedules.CreateAsync(new ScheduleSpec("daily", "report", "0 9 * * *")
        {
            Extensions = new ScheduleExtensions { FirstRun = FirstRunPolicy.FromEpoch },
        });

        await Tick();

        var task = Assert.Single(await _f.TasksAsync());
        Assert.Equal(task.Id, (await IdempotencyRecordAsync("report", "schedule:daily:32400")).TaskId);
    }

    [Fact]
    public async Task RunAsync_SubmitFails_LastRunNotAdvancedAndSlotRetried()
    {
        await Schedules.CreateAsync(new ScheduleSpec("hourly", "t", "0 * * * *"));
        _f.SetTime(Utc("2026-01-28T13:00:05Z"));
        _f.Flaky.FailPutsUnder = "tasks/";

        var failed = await Tick();

        Assert.Equal(1, failed.Failed);
        Assert.Null(await LastRun("hourly"));
        Assert.Empty(await _f.TasksAsync());

        _f.Flaky.FailPutsUnder = null;
        _f.Time.Advance(TimeSpan.FromSeconds(30));
        await Tick();

        var task = Assert.Single(await _f.TasksAsync());
        Assert.Equal(task.Id, (await IdempotencyRecordAsync("t", "schedule:hourly:" + Utc("2026-01-28T13:00:00Z").ToUnixTimeSeconds())).TaskId);
        Assert.Equal(task.Id, (await LastRun("hourly"))!.LastTaskId);
    }

    [Fact]
    public async Task RunAsync_LaterSlot_RecordsNewLastTaskId()
    {
        await Schedules.CreateAsync(new ScheduleSpec("hourly", "t", "0 * * * *"));
        _f.SetTime(Utc("2026-01-28T13:00:05Z"));
        await Tick();
        var first = (await LastRun("hourly"))!;

        _f.SetTime(Utc("2026-01-28T14:00:05Z"));
        await Tick();
        var second = (await LastRun("hourly"))!;

        Assert.NotEqual(first.LastTaskId, second.LastTaskId);
        Assert.Equal(2, (await _f.TasksAsync()).Count);
        Assert.Contains(await _f.TasksAsync(), t => t.Id == second.LastTaskId);
        Assert.Equal(Utc("2026-01-28T15:00:00Z"), second.NextRunAt);
    }

    [Fact]
    public async Task RunAsync_InputChangedAfterSlotFired_RecordsExistingTaskInsteadOfWedging()
    {
        await Schedules.CreateAsync(new ScheduleSpec("h", "t", "0 * * * *") { Input = new { v = 1 } });
        _f.SetTime(Utc("2026-01-28T13:00:05Z"));
        // A scheduler submitted the 13:00 slot, then died before writing last_run.
        var earlier = await _f.Client.SubmitAsync("t", new { v = 1 }, new Buquet.Actors.Client.SubmitOptions { IdempotencyKey = ScheduleSlotKey.For("h", Utc("2026-01-28T13:00:00Z")) });
        await Schedules.UpdateAsync("h", new ScheduleUpdate { Input = new { v = 2 } });

        var report = await Tick();

        Assert.Equal(0, report.Failed);
        Assert.Equal(earlier.Id, (await LastRun("h"))!.LastTaskId);
        Assert.Single(await _f.TasksAsync());

        _f.SetTime(Utc("2026-01-28T14:00:05Z"));
        await Tick();
        var tasks = await _f.TasksAsync();
        Assert.Equal(2, tasks.Count);
        Assert.Contains(tasks, t => t.Input!.Value.GetRawText() == """{"v":2}""");
    }

    [Fact]
    public async Task RunAsync_MalformedScheduleAndBadCron_SkippedAndOthersFire()
    {
        await Schedules.CreateAsync(new ScheduleSpec("good", "t", "0 * * * *"));
        await _f.Memory.PutAsync("schedules/broken.json", "{\"id\":"u8.ToArray(), PutCondition.None);
        var badCron = new Schedule("badcron", "t", null, "0 0 * * 0", true, null, null, _f.Now, _f.Now);
        await _f.Memory.PutAsync("schedules/badcron.json", ModelJson.Serialize(badCron), PutCondition.None);
        _f.SetTime(Utc("2026-01-28T13:00:05Z"));

        var report = await Tick();

        Assert.Equal(3, report.Schedules);
        Assert.Equal(2, report.Skipped);
        Assert.Equal(1, report.Fired);
        Assert.NotNull(await LastRun("good"));
    }

    [Fact]
    public async Task RunAsync_CronWithoutFurtherOccurrence_RecordsNextRunEqualToLastRun()
    {
        _f.SetTime(Utc("2100-12-30T00:00:00Z"));
        await Schedules.CreateAsync(new ScheduleSpec("last", "t", "0 0 31 12 *"));
        await Schedules.CreateAsync(new ScheduleSpec("never", "t", "0 0 30 2 *"));
        _f.SetTime(Utc("2100-12-31T00:00:10Z"));

        var report = await Tick();
        _f.Time.Advance(TimeSpan.FromDays(1));
        var after = await Tick();

        Assert.Equal(1, report.Fired);
        var last = (await LastRun("last"))!;
        Assert.Equal(last.LastRunAt, last.NextRunAt);
        Assert.Null((await Schedules.GetAsync("last"))!.LastRun!.NextRunAt);
        Assert.Equal(0, after.Fired);
        Assert.Null(await LastRun("never"));
    }

    [Fact]
    public async Task RunAsync_TwoSchedulersSameTick_OneTaskPerSlot()
    {
        await Schedules.CreateAsync(new ScheduleSpec("h", "t", "0 * * * *"));
        _f.SetTime(Utc("2026-01-28T13:00:05Z"));

        var a = new SchedulerTick(_f.Client);
        var b = new SchedulerTick(_f.NewClient());
        await Task.WhenAll(a.RunAsync(), b.RunAsync());

        var task = Assert.Single(await _f.TasksAsync());
        Assert.Equal(task.Id, (await LastRun("h"))!.LastTaskId);
    }

    [Fact]
    public async Task RunAsync_Disabled_DoesNotFire()
    {
        await Schedules.CreateAsync(new ScheduleSpec("h", "t", "0 * * * *") { Enabled = false });
        _f.SetTime(Utc("2026-01-28T15:00:05Z"));

        Assert.Equal(0, (await Tick()).Fired);
        Assert.Empty(await _f.TasksAsync());
    }

    [Fact]
    public async Task RunAsync_CatchUpAll_FiresEachMissedSlotOnce()
    {
        await Schedules.CreateAsync(new ScheduleSpec("h", "t", "0 * * * *") { Extensions = new ScheduleExtensions { CatchUp = CatchUpPolicy.All(10) } });
        _f.SetTime(Utc("2026-01-28T15:30:00Z"));

        var report = await Tick();
        await Tick();

        Assert.Equal(3, report.Fired);
        Assert.Equal(3, (await _f.TasksAsync()).Count);
        Assert.Equal(Utc("2026-01-28T16:00:00Z"), (await LastRun("h"))!.NextRunAt);
    }

    [Fact]
    public async Task RunAsync_ZonedSchedule_FiresAtZoneWallClock()
    {
        await Schedules.CreateAsync(new ScheduleSpec("ny", "t", "0 9 * * *") { Extensions = new ScheduleExtensions { TimeZone = "America/New_York" } });
        _f.SetTime(Utc("2026-01-28T13:59:59Z"));
        Assert.Equal(0, (await Tick()).Fired);

        _f.SetTime(Utc("2026-01-28T14:00:01Z"));
        Assert.Equal(1, (await Tick()).Fired);
        await IdempotencyRecordAsync("t", "schedule:ny:" + Utc("2026-01-28T14:00:00Z").ToUnixTimeSeconds());
    }

    [Fact]
    public async Task RunAsync_Jitter_DelaysTaskButKeepsSlotKey()
    {
        await Schedules.CreateAsync(new ScheduleSpec("j", "t", "0 * * * *") { Extensions = new ScheduleExtensions { MaxJitter = TimeSpan.FromSeconds(100) } });
        _f.SetTime(Utc("2026-01-28T13:00:00Z"));

        await new SchedulerTick(_f.Client, random: () => 0.5).RunAsync();

        var task = Assert.Single(await _f.TasksAsync());
        Assert.Equal(_f.Now.AddSeconds(50), task.AvailableAt);
        await IdempotencyRecordAsync("t", "schedule:j:" + Utc("2026-01-28T13:00:00Z").ToUnixTimeSeconds());
    }

    [Fact]
    public async Task RunAsync_FenceRefuses_WritesNothingAndReportsDeposed()
    {
        await Schedules.CreateAsync(new ScheduleSpec("h", "t", "0 * * * *"));
        _f.SetTime(Utc("2026-01-28T13:00:05Z"));

        var report = await new SchedulerTick(_f.Client).RunAsync(_ => Task.FromResult(false));

        Assert.True(report.Deposed);
        Assert.Empty(await _f.TasksAsync());
        Assert.Null(await LastRun("h"));
    }

    [Fact]
    public async Task RunAsync_LastRunRecordedByPeerMeanwhile_DoesNotOverwrite()
    {
        await Schedules.CreateAsync(new ScheduleSpec("h", "t", "0 * * * *"));
        _f.SetTime(Utc("2026-01-28T13:00:05Z"));
        var peerRun = new ScheduleLastRun("h", _f.Now, Guid.NewGuid(), Utc("2026-01-28T14:00:00Z"));

        // The fence runs after this scheduler read last_run; a peer records the slot in between.
        var report = await new SchedulerTick(_f.Client).RunAsync(async ct =>
        {
            await _f.Memory.PutAsync(TaskKeys.ScheduleLastRun("h"), ModelJson.Serialize(peerRun), PutCondition.IfNoneMatch, ct);
            return true;
        });

        Assert.Equal(0, report.Recorded);
        Assert.Equal(peerRun, await LastRun("h"));
    }

    [Fact]
    public async Task RunAsync_ScheduleWithoutExtensions_UsesSchedulerDefaultZone()
    {
        await Schedules.CreateAsync(new ScheduleSpec("paris", "t", "0 15 * * *"));
        var tick = new SchedulerTick(_f.Client, defaults: new ScheduleExtensions { TimeZone = "Europe/Paris" });
        _f.SetTime(Utc("2026-01-28T14:00:30Z"));

        Assert.Equal(1, (await tick.RunAsync()).Fired);
        Assert.Equal(Utc("2026-01-29T14:00:00Z"), (await LastRun("paris"))!.NextRunAt);
    }

    [Fact]
    public async Task RunAsync_UnreadableExtensions_ScheduleSkipped()
    {
        await Schedules.CreateAsync(new ScheduleSpec("h", "t", "0 * * * *"));
        await _f.Memory.PutAsync("schedule-options/h.json", "{\"time_zone\":\"Nowhere/Land\"}"u8.ToArray(), PutCondition.None);
        _f.SetTime(Utc("2026-01-28T13:00:05Z"));

        var report = await Tick();

        Assert.Equal(1, report.Skipped);
        Assert.Empty(await _f.TasksAsync());
    }

    private Task<SchedulerTickReport> Tick() => new SchedulerTick(_f.Client).RunAsync();

    private async Task<ScheduleLastRun?> LastRun(string id)
    {
        var obj = await _f.Memory.GetAsync(TaskKeys.ScheduleLastRun(id));
        return obj is null ? null : ModelJson.ParseLastRun(obj.Body, obj.Key);
    }

    private async Task<IdempotencyRecord> IdempotencyRecordAsync(string scope, string key)
    {
        var k = TaskKeys.Idempotency(scope, Hashes.Hex(Hashes.IdempotencyKeyHash(scope, key)));
        var obj = await _f.Memory.GetAsync(k);
        Assert.True(obj is not null, $"no idempotency record for {key}");
        return ModelJson.ParseIdempotency(obj.Body, k);
    }

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);
}
