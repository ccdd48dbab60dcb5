using System.Globalization;
using Buquet.Actors.Scheduling.Cron;

namespace Buquet.Actors.Tests.Scheduling.Cron;

public sealed class CronExpressionOccurrenceTests
{
    // 2026-01-01 is a Thursday.
    private static readonly DateTimeOffset Jan1 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Utc(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>
    /// Expressions whose meaning differs between buquet peers (Rust cron crate, Quartz flavour) and Vixie cron /
    /// crontab. Each row: the expression, the next buquet fire time after 2026-01-01T00:00Z (a Thursday), and
    /// the Vixie fire time it would have instead.
    /// </summary>
    [Theory]
    [InlineData("0 0 * * 1", "2026-01-04T00:00:00Z", "Sunday here; Vixie: Monday 2026-01-05")]
    [InlineData("0 0 * * 7", "2026-01-03T00:00:00Z", "Saturday here; Vixie: Sunday 2026-01-04")]
    [InlineData("0 0 * * 1-5", "2026-01-04T00:00:00Z", "Sun-Thu here; Vixie: Mon-Fri, Friday 2026-01-02")]
    [InlineData("0 0 * * 6-7", "2026-01-02T00:00:00Z", "Fri-Sat here; Vixie: Sat-Sun, 2026-01-03")]
    [InlineData("0 0 * * 2/2", "2026-01-02T00:00:00Z", "Mon/Wed/Fri here; Vixie: Tue/Thu/Sat, 2026-01-03")]
    [InlineData("0 0 13 * 6", "2026-02-13T00:00:00Z", "Friday the 13th (AND); Vixie: the 13th OR any Saturday, 2026-01-03")]
    [InlineData("0 0 13 * FRI", "2026-02-13T00:00:00Z", "Friday the 13th (AND); Vixie: the 13th OR any Friday, 2026-01-02")]
    [InlineData("0 0 1 * MON", "2026-06-01T00:00:00Z", "a 1st that is a Monday (AND); Vixie: 2026-01-05")]
    [InlineData("0 0 ? * 2", "2026-01-05T00:00:00Z", "? = any; Vixie rejects ?")]
    [InlineData("0 0 * * SUN", "2026-01-04T00:00:00Z", "names agree with Vixie")]
    [InlineData("0 0 * * MON-FRI", "2026-01-02T00:00:00Z", "names agree with Vixie")]
    [InlineData("0 0 * * */2", "2026-01-03T00:00:00Z", "Sun/Tue/Thu/Sat in both (1,3,5,7 vs 0,2,4,6)")]
    public void GetNextOccurrence_VixieDifferenceVectors_FireLikeBuquetPeers(string expression, string expected, string note)
    {
        var next = CronExpression.Parse(expression).GetNextOccurrence(Jan1);

        Assert.True(Utc(expected) == next, $"{expression}: {note}; got {next:O}");
    }

    [Fact]
    public void GetNextOccurrence_SundayAsZero_IsRejectedUnlikeVixie() =>
        Assert.Throws<CronFormatException>(() => CronExpression.Parse("0 0 * * 0"));

    [Fact]
    public void GetNextOccurrence_DayOfMonthAndDayOfWeek_BothMustMatch()
    {
        var fridays13 = CronExpression.Parse("0 0 13 * FRI").GetOccurrences(Jan1, Jan1.AddYears(2), null, 10);

        Assert.Equal(
            [Utc("2026-02-13T00:00:00Z"), Utc("2026-03-13T00:00:00Z"), Utc("2026-11-13T00:00:00Z"), Utc("2027-08-13T00:00:00Z")],
            fridays13);
    }

    [Fact]
    public void GetNextOccurrence_AfterIsExactlyASlot_ReturnsTheFollowingSlot()
    {
        var cron = CronExpression.Parse("0 12 * * *");

        Assert.Equal(Utc("2026-01-02T12:00:00Z"), cron.GetNextOccurrence(Utc("2026-01-01T12:00:00Z")));
        Assert.Equal(Utc("2026-01-01T12:00:00Z"), cron.GetNextOccurrence(Utc("2026-01-01T11:59:59.999Z")));
        Assert.Equal(Utc("2026-01-02T12:00:00Z"), cron.GetNextOccurrence(Utc("2026-01-01T12:00:00.001Z")));
    }

    [Fact]
    public void GetNextOccurrence_AfterWithOffset_SameInstantAsUtc()
    {
        var cron = CronExpression.Parse("30 9 * * *");
        var inUtc = Utc("2026-01-01T08:00:00Z");
        var inPlusTwo = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(2));

        Assert.Equal(cron.GetNextOccurrence(inUtc), cron.GetNextOccurrence(inPlusTwo));
        Assert.Equal(Utc("2026-01-01T09:30:00Z"), cron.GetNextOccurrence(inPlusTwo));
    }

    [Fact]
    public void GetNextOccurrence_NeverRunScheduleFromEpoch_MatchesBuquetFirstSlot()
    {
        // buquet evaluates a never-run schedule after 1970-01-01; protocol notes: key schedule:daily:32400.
        var slot = CronExpression.Parse("0 9 * * *").GetNextOccurrence(DateTimeOffset.UnixEpoch);

        Assert.Equal(32400, slot!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public void GetNextOccurrence_Feb29_OnlyInLeapYears()
    {
        var cron = CronExpression.Parse("0 0 29 2 *");

        Assert.Equal(
            [Utc("2028-02-29T00:00:00Z"), Utc("2032-02-29T00:00:00Z"), Utc("2036-02-29T00:00:00Z")],
            cron.GetOccurrences(Jan1, Jan1.AddYears(20), null, 3));
    }

    [Fact]
    public void GetNextOccurrence_Feb29After2096_NoneBecause2100IsNotLeap() =>
        Assert.Null(CronExpression.Parse("0 0 29 2 *").GetNextOccurrence(Utc("2096-03-01T00:00:00Z")));

    [Theory]
    [InlineData("0 0 30 2 *")]
    [InlineData("0 0 31 2 *")]
    [InlineData("0 0 31 4,6,9,11 *")]
    [InlineData("0 0 31 APR *")]
    public void GetNextOccurrence_DayNoMonthHas_NeverFires(string expression) =>
        Assert.Null(CronExpression.Parse(expression).GetNextOccurrence(Jan1));

    [Fact]
    public void GetNextOccurrence_Day31_SkipsShortMonths()
    {
        var cron = CronExpression.Parse("0 0 31 * *");

        Assert.Equal(
            [Utc("2026-03-31T00:00:00Z"), Utc("2026-05-31T00:00:00Z"), Utc("2026-07-31T00:00:00Z"), Utc("2026-08-31T00:00:00Z")],
            cron.GetOccurrences(Utc("2026-01-31T00:00:00Z"), Jan1.AddYears(1), null, 4));
    }

    [Fact]
    public void GetNextOccurrence_MonthEndRange_StopsAtLastDayOfFebruary()
    {
        var cron = CronExpression.Parse("59 23 28-31 2 *");

        Assert.Equal(
            [Utc("2026-02-28T23:59:00Z"), Utc("2027-02-28T23:59:00Z"), Utc("2028-02-28T23:59:00Z"), Utc("2028-02-29T23:59:00Z")],
            cron.GetOccurrences(Jan1, Jan1.AddYears(3), null, 10));
    }

    [Fact]
    public void GetNextOccurrence_YearEnd_RollsIntoNextYear() =>
        Assert.Equal(
            Utc("2027-01-01T00:00:00Z"),
            CronExpression.Parse("0 0 * * *").GetNextOccurrence(Utc("2026-12-31T23:59:30Z")));

    [Fact]
    public void GetNextOccurrence_After2100_None() =>
        Assert.Null(CronExpression.Parse("0 0 1 1 *").GetNextOccurrence(Utc("2100-06-01T00:00:00Z")));

    [Fact]
    public void GetNextOccurrence_AfterMaxValue_NoneWithoutOverflow() =>
        Assert.Null(CronExpression.Parse("* * * * *").GetNextOccurrence(DateTimeOffset.MaxValue));

    [Theory]
    [InlineData("Asia/Kolkata")]
    [InlineData("America/New_York")]
    public void GetNextOccurrence_AfterMaxValueInZone_NoneWithoutOverflow(string zone) =>
        Assert.Null(CronExpression.Parse("* * * * *").GetNextOccurrence(DateTimeOffset.MaxValue, CronTimeZone.Resolve(zone)));

    [Fact]
    public void GetOccurrences_Bounds_ExcludeFromIncludeToAndHonourMax()
    {
        var cron = CronExpression.Parse("*/15 * * * *");

        Assert.Equal(
            [Utc("2026-01-01T00:15:00Z"), Utc("2026-01-01T00:30:00Z"), Utc("2026-01-01T00:45:00Z"), Utc("2026-01-01T01:00:00Z")],
            cron.GetOccurrences(Jan1, Jan1.AddHours(1), null, 100));
        Assert.Equal(2, cron.GetOccurrences(Jan1, Jan1.AddHours(1), null, 2).Count);
        Assert.Empty(cron.GetOccurrences(Jan1, Jan1.AddHours(1), null, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => cron.GetOccurrences(Jan1, Jan1, null, -1));
    }

    [Fact]
    public void GetNextOccurrence_EveryFieldRestricted_ChecksEveryField()
    {
        // Was Matches_WallTime_ChecksEveryField on the pre-Cronos evaluator: 2026-01-13 is a Tuesday (day-of-week
        // fails), 09:31 fails the minute, 2026-02-13 09:30 (a Friday) matches every field.
        var cron = CronExpression.Parse("30 9 13 * FRI");

        Assert.Equal(Utc("2026-02-13T09:30:00Z"), cron.GetNextOccurrence(Utc("2026-01-13T09:29:00Z")));
        Assert.Equal(Utc("2026-03-13T09:30:00Z"), cron.GetNextOccurrence(Utc("2026-02-13T09:30:00Z")));
    }
}
