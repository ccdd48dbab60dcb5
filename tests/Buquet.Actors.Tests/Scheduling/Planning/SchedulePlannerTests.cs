using System.Globalization;
using Buquet.Actors.Scheduling.Cron;
using Buquet.Actors.Scheduling.Planning;

namespace Buquet.Actors.Tests.Scheduling.Planning;

public sealed class SchedulePlannerTests
{
    private static readonly CronExpression Hourly = CronExpression.Parse("0 * * * *");
    private static readonly CronExpression Daily9 = CronExpression.Parse("0 9 * * *");
    private static readonly DateTimeOffset CreatedAt = Utc("2026-01-01T08:20:00Z");

    private static DateTimeOffset Utc(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static SchedulePlan Plan(
        CronExpression cron, DateTimeOffset? lastRunAt, DateTimeOffset now, SchedulePlanOptions? options = null, Func<double>? random = null) =>
        SchedulePlanner.Plan("report", cron, options ?? SchedulePlanOptions.Default, CreatedAt, lastRunAt, now, random);

    [Fact]
    public void Plan_SlotKey_MatchesProtocolVector()
    {
        // shared/protocol/vectors/vectors.json: schedule_idempotency_key_example.
        const string Vector = "schedule:daily-report:1769601600";
        var cron = CronExpression.Parse("0 12 * * *");

        var plan = SchedulePlanner.Plan(
            "daily-report", cron, SchedulePlanOptions.Default, Utc("2026-01-27T18:00:00Z"), null, Utc("2026-01-28T12:00:30Z"));

        var slot = Assert.Single(plan.Due);
        Assert.Equal(Vector, slot.IdempotencyKey);
        Assert.Equal(Utc("2026-01-28T12:00:00Z"), slot.SlotAt);
        Assert.Equal(Vector, ScheduleSlotKey.For("daily-report", Utc("2026-01-28T12:00:00Z")));
    }

    [Fact]
    public void Plan_NewScheduleBeforeFirstSlot_DoesNotFireOnFirstTick()
    {
        var plan = Plan(Daily9, lastRunAt: null, now: Utc("2026-01-01T08:21:00Z"));

        Assert.Empty(plan.Due);
        Assert.Equal(Utc("2026-01-01T09:00:00Z"), plan.NextRunAt);
    }

    [Fact]
    public void Plan_NewScheduleAtFirstSlotAfterCreation_FiresThatSlot()
    {
        var plan = Plan(Daily9, lastRunAt: null, now: Utc("2026-01-01T09:00:05Z"));

        var slot = Assert.Single(plan.Due);
        Assert.Equal(Utc("2026-01-01T09:00:00Z"), slot.SlotAt);
        Assert.Equal(Utc("2026-01-01T09:00:05Z"), plan.LastRunAt);
        Assert.Equal(Utc("2026-01-02T09:00:00Z"), plan.NextRunAt);
    }

    [Fact]
    public void Plan_NewScheduleCreatedOnASlot_ThatSlotIsNotDue()
    {
        var plan = SchedulePlanner.Plan(
            "report", Daily9, SchedulePlanOptions.Default, Utc("2026-01-01T09:00:00Z"), null, Utc("2026-01-01T09:00:40Z"));

        Assert.Empty(plan.Due);
    }

    [Fact]
    public void Plan_FromEpochFirstRun_FiresLikeBuquetWithEpochSlotKey()
    {
        var options = SchedulePlanOptions.Default with { FirstRun = FirstRunPolicy.FromEpoch };

        var plan = SchedulePlanner.Plan("daily", Daily9, options, CreatedAt, null, Utc("2026-01-01T08:21:00Z"));

        Assert.Equal("schedule:daily:32400", Assert.Single(plan.Due).IdempotencyKey);
    }

    [Fact]
    public void Plan_NotYetDue_NothingAndNextRunIsNextSlot()
    {
        var plan = Plan(Hourly, lastRunAt: Utc("2026-01-02T10:00:03Z"), now: Utc("2026-01-02T10:59:59Z"));

        Assert.Empty(plan.Due);
        Assert.Equal(Utc("2026-01-02T11:00:00Z"), plan.NextRunAt);
    }

    [Fact]
    public void Plan_SlotEqualToNow_IsDue()
    {
        var plan = Plan(Hourly, lastRunAt: Utc("2026-01-02T10:00:03Z"), now: Utc("2026-01-02T11:00:00Z"));

        Assert.Equal(Utc("2026-01-02T11:00:00Z"), Assert.Single(plan.Due).SlotAt);
    }

    [Fact]
    public void Plan_SlotEqualToLastRun_IsNotDueAgain()
    {
        var plan = Plan(Hourly, lastRunAt: Utc("2026-01-02T11:00:00Z"), now: Utc("2026-01-02T11:00:30Z"));

        Assert.Empty(plan.Due);
    }

    [Fact]
    public void Plan_CatchUpNoneWithBacklog_OneRunKeyedByFirstMissedSlot()
    {
        // Last run 10:00:03; ticks resumed 13:30: 11:00, 12:00, 13:00 were missed.
        var plan = Plan(Hourly, lastRunAt: Utc("2026-01-02T10:00:03Z"), now: Utc("2026-01-02T13:30:00Z"));

        var slot = Assert.Single(plan.Due);
        Assert.Equal(Utc("2026-01-02T11:00:00Z"), slot.SlotAt);
        Assert.Equal($"schedule:report:{Utc("2026-01-02T11:00:00Z").ToUnixTimeSeconds()}", slot.IdempotencyKey);
        Assert.Equal(Utc("2026-01-02T13:30:00Z"), plan.LastRunAt);
        Assert.Equal(Utc("2026-01-02T14:00:00Z"), plan.NextRunAt);
    }

    [Fact]
    public void Plan_CatchUpLatestWithBacklog_OneRunKeyedByLatestSlot()
    {
        var options = SchedulePlanOptions.Default with { CatchUp = CatchUpPolicy.Latest };

        var plan = Plan(Hourly, Utc("2026-01-02T10:00:03Z"), Utc("2026-01-02T13:30:00Z"), options);

        Assert.Equal(Utc("2026-01-02T13:00:00Z"), Assert.Single(plan.Due).SlotAt);
    }

    [Fact]
    public void Plan_CatchUpAllWithinBound_EveryMissedSlotOldestFirst()
    {
        var options = SchedulePlanOptions.Default with { CatchUp = CatchUpPolicy.All(10) };

        var plan = Plan(Hourly, Utc("2026-01-02T10:00:03Z"), Utc("2026-01-02T13:30:00Z"), options);

        Assert.Equal(
            [Utc("2026-01-02T11:00:00Z"), Utc("2026-01-02T12:00:00Z"), Utc("2026-01-02T13:00:00Z")],
            plan.Due.Select(s => s.SlotAt));
        Assert.Equal(3, plan.Due.Select(s => s.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public void Plan_CatchUpAllOverBound_KeepsNewestSlots()
    {
        var options = SchedulePlanOptions.Default with { CatchUp = CatchUpPolicy.All(2) };

        var plan = Plan(Hourly, Utc("2026-01-02T10:00:03Z"), Utc("2026-01-02T13:30:00Z"), options);

        Assert.Equal([Utc("2026-01-02T12:00:00Z"), Utc("2026-01-02T13:00:00Z")], plan.Due.Select(s => s.SlotAt));
    }

    [Fact]
    public void Plan_CatchUpAllLongBacklogOfFrequentCron_ReturnsNewestBoundedSlots()
    {
        var everyMinute = CronExpression.Parse("* * * * *");
        var options = SchedulePlanOptions.Default with { CatchUp = CatchUpPolicy.All(5) };
        var now = Utc("2026-06-01T00:00:30Z");

        var plan = Plan(everyMinute, Utc("2026-01-01T00:00:00Z"), now, options);

        Assert.Equal(
            [now.AddSeconds(-270), now.AddSeconds(-210), now.AddSeconds(-150), now.AddSeconds(-90), now.AddSeconds(-30)],
            plan.Due.Select(s => s.SlotAt));
    }

    [Fact]
    public void Plan_CatchUpLatestSparseCronLongBacklog_FindsSlotMonthsBack()
    {
        var yearly = CronExpression.Parse("0 0 1 1 *");
        var options = SchedulePlanOptions.Default with { CatchUp = CatchUpPolicy.Latest };

        var plan = Plan(yearly, Utc("2020-06-01T00:00:00Z"), Utc("2026-09-01T00:00:00Z"), options);

        Assert.Equal(Utc("2026-01-01T00:00:00Z"), Assert.Single(plan.Due).SlotAt);
    }

    [Fact]
    public void Plan_WithZone_SlotsFollowWallClock()
    {
        var options = SchedulePlanOptions.Default with { TimeZone = CronTimeZone.Resolve("Europe/Berlin") };

        var plan = Plan(Daily9, Utc("2026-07-01T07:00:10Z"), Utc("2026-07-02T07:00:10Z"), options);

        Assert.Equal(Utc("2026-07-02T07:00:00Z"), Assert.Single(plan.Due).SlotAt);
        Assert.Equal(Utc("2026-07-03T07:00:00Z"), plan.NextRunAt);
    }

    [Fact]
    public void Plan_NoJitter_DelayIsZero()
    {
        var plan = Plan(Hourly, Utc("2026-01-02T10:00:03Z"), Utc("2026-01-02T11:00:01Z"));

        Assert.Equal(TimeSpan.Zero, Assert.Single(plan.Due).Delay);
    }

    [Fact]
    public void Plan_JitterWithSeed_DelaysWithinBoundAndReproducible()
    {
        var max = TimeSpan.FromSeconds(90);
        var options = SchedulePlanOptions.Default with { CatchUp = CatchUpPolicy.All(100), MaxJitter = max };
        var everyMinute = CronExpression.Parse("* * * * *");
        var last = Utc("2026-01-02T10:00:00Z");
        var now = Utc("2026-01-02T11:40:00Z");

        var first = Plan(everyMinute, last, now, options, new Random(42).NextDouble);
        var again = Plan(everyMinute, last, now, options, new Random(42).NextDouble);

        Assert.Equal(100, first.Due.Count);
        Assert.All(first.Due, s => Assert.InRange(s.Delay, TimeSpan.Zero, max - TimeSpan.FromTicks(1)));
        Assert.Equal(first.Due.Select(s => s.Delay), again.Due.Select(s => s.Delay));
        Assert.True(first.Due.Select(s => s.Delay).Distinct().Count() > 90, "delays should be spread");
        Assert.True(first.Due.Max(s => s.Delay) > TimeSpan.FromSeconds(60), "delays should reach the upper part of the range");
    }

    [Fact]
    public void Plan_JitterDoesNotChangeSlotOrKey()
    {
        var options = SchedulePlanOptions.Default with { MaxJitter = TimeSpan.FromMinutes(5) };

        var plain = Plan(Hourly, Utc("2026-01-02T10:00:03Z"), Utc("2026-01-02T11:00:01Z"));
        var jittered = Plan(Hourly, Utc("2026-01-02T10:00:03Z"), Utc("2026-01-02T11:00:01Z"), options, () => 0.5);

        Assert.Equal(plain.Due[0].IdempotencyKey, jittered.Due[0].IdempotencyKey);
        Assert.Equal(plain.Due[0].SlotAt, jittered.Due[0].SlotAt);
        Assert.Equal(TimeSpan.FromMinutes(2.5), jittered.Due[0].Delay);
    }

    [Fact]
    public void Plan_JitterWithoutRandomSource_Throws()
    {
        var options = SchedulePlanOptions.Default with { MaxJitter = TimeSpan.FromSeconds(10) };

        Assert.Throws<ArgumentException>(() => Plan(Hourly, null, Utc("2026-01-02T11:00:01Z"), options));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Plan_RandomOutOfRange_Throws(double value)
    {
        var options = SchedulePlanOptions.Default with { MaxJitter = TimeSpan.FromSeconds(10) };

        var e = Assert.Throws<InvalidOperationException>(
            () => Plan(Hourly, Utc("2026-01-02T10:00:03Z"), Utc("2026-01-02T11:00:01Z"), options, () => value));
        Assert.Contains("[0, 1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NegativeJitter_Throws()
    {
        var options = SchedulePlanOptions.Default with { MaxJitter = TimeSpan.FromSeconds(-1) };

        Assert.Throws<ArgumentOutOfRangeException>(() => Plan(Hourly, null, Utc("2026-01-02T11:00:01Z"), options, () => 0.1));
    }

    [Fact]
    public void Plan_CronWithNoFurtherOccurrence_NextRunIsNull()
    {
        var never = CronExpression.Parse("0 0 30 2 *");

        var plan = Plan(never, null, Utc("2026-01-02T11:00:01Z"));

        Assert.Empty(plan.Due);
        Assert.Null(plan.NextRunAt);
    }
}
