using System.Globalization;
using Buquet.Actors.Scheduling.Cron;

namespace Buquet.Actors.Tests.Scheduling.Cron;

/// <summary>
/// IANA zones and DST. 2026 transitions: America/New_York springs forward 2026-03-08 02:00 EST -> 03:00 EDT
/// (07:00Z) and falls back 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z); Europe/Berlin springs forward 2026-03-29
/// 02:00 CET -> 03:00 CEST (01:00Z) and falls back 2026-10-25 03:00 CEST -> 02:00 CET (01:00Z).
/// </summary>
public sealed class CronTimeZoneTests
{
    private static readonly TimeZoneInfo NewYork = CronTimeZone.Resolve("America/New_York");
    private static readonly TimeZoneInfo Berlin = CronTimeZone.Resolve("Europe/Berlin");

    private static DateTimeOffset Utc(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static DateTimeOffset[] Occurrences(string expression, TimeZoneInfo zone, string fromUtc, string toUtc) =>
        [.. CronExpression.Parse(expression).GetOccurrences(Utc(fromUtc), Utc(toUtc), zone, 1000)];

    [Theory]
    [InlineData("America/New_York")]
    [InlineData("Europe/Berlin")]
    [InlineData("Asia/Tokyo")]
    public void Resolve_IanaId_ResolvesUnderInvariantGlobalization(string id) =>
        Assert.Equal(id, CronTimeZone.Resolve(id).Id);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("UTC")]
    [InlineData("Etc/UTC")]
    public void Resolve_NullOrUtc_ReturnsUtc(string? id) =>
        Assert.Same(TimeZoneInfo.Utc, CronTimeZone.Resolve(id));

    [Fact]
    public void Resolve_UnknownId_ThrowsNamingTheId()
    {
        var e = Assert.Throws<ArgumentException>(() => CronTimeZone.Resolve("Mars/Olympus_Mons"));

        Assert.Contains("\"Mars/Olympus_Mons\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetNextOccurrence_NoZone_IsUtc()
    {
        var cron = CronExpression.Parse("0 9 * * *");
        var after = Utc("2026-06-01T00:00:00Z");

        Assert.Equal(Utc("2026-06-01T09:00:00Z"), cron.GetNextOccurrence(after));
        Assert.Equal(cron.GetNextOccurrence(after), cron.GetNextOccurrence(after, TimeZoneInfo.Utc));
    }

    [Fact]
    public void GetNextOccurrence_BerlinWinterAndSummer_FollowsTheWallClock()
    {
        var cron = CronExpression.Parse("0 9 * * *");

        Assert.Equal(Utc("2026-01-15T08:00:00Z"), cron.GetNextOccurrence(Utc("2026-01-15T00:00:00Z"), Berlin));
        Assert.Equal(Utc("2026-07-15T07:00:00Z"), cron.GetNextOccurrence(Utc("2026-07-15T00:00:00Z"), Berlin));
    }

    [Fact]
    public void GetNextOccurrence_NewYorkSpringGap_FiresOnceAtFirstInstantAfterGap()
    {
        // 02:30 does not exist on 2026-03-08; it fires at 03:00 EDT (07:00Z), then normally the next day.
        var slots = Occurrences("30 2 * * *", NewYork, "2026-03-07T12:00:00Z", "2026-03-10T00:00:00Z");

        Assert.Equal([Utc("2026-03-08T07:00:00Z"), Utc("2026-03-09T06:30:00Z")], slots);
    }

    [Fact]
    public void GetNextOccurrence_NewYorkSpringGapSeveralSlots_CoalesceIntoOneFire()
    {
        // 02:00, 02:20, 02:40 fall in the gap: one fire at 07:00Z; 03:00 EDT is the same instant and not repeated.
        var slots = Occurrences("*/20 * * * *", NewYork, "2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z");

        Assert.Equal([Utc("2026-03-08T06:40:00Z"), Utc("2026-03-08T07:00:00Z"), Utc("2026-03-08T07:20:00Z")], slots);
    }

    [Fact]
    public void GetNextOccurrence_NewYorkFallBack_AmbiguousTimeFiresOnceAtFirstOccurrence()
    {
        // 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST): only the first fires.
        var slots = Occurrences("30 1 * * *", NewYork, "2026-10-31T12:00:00Z", "2026-11-03T00:00:00Z");

        Assert.Equal([Utc("2026-11-01T05:30:00Z"), Utc("2026-11-02T06:30:00Z")], slots);
    }

    [Fact]
    public void GetNextOccurrence_NewYorkFallBackHourly_RepeatedHourDoesNotFireAgain()
    {
        var slots = Occurrences("0 * * * *", NewYork, "2026-11-01T04:30:00Z", "2026-11-01T08:00:00Z");

        // 00:00 EDT (04:00Z) is before the range; 01:00 EDT = 05:00Z; 01:00 EST (06:00Z) is skipped; 02:00 EST = 07:00Z.
        Assert.Equal([Utc("2026-11-01T05:00:00Z"), Utc("2026-11-01T07:00:00Z"), Utc("2026-11-01T08:00:00Z")], slots);
    }

    [Fact]
    public void GetNextOccurrence_AfterInsideRepeatedHour_NextIsAfterTheOverlap()
    {
        // 06:10Z is 01:10 EST, in the repeated hour whose wall times already fired in EDT.
        var next = CronExpression.Parse("*/15 * * * *").GetNextOccurrence(Utc("2026-11-01T06:10:00Z"), NewYork);

        Assert.Equal(Utc("2026-11-01T07:00:00Z"), next);
    }

    [Theory]
    [InlineData("2026-11-01T05:30:00Z", false)] // 01:30 EDT, first pass: fires
    [InlineData("2026-11-01T06:30:00Z", true)] // 01:30 EST, repeated: already fired at 05:30Z
    [InlineData("2026-11-01T07:30:00Z", false)] // 02:30 EST, after the overlap
    public void IsRepeatedWallTime_NewYorkFallBack_OnlySecondPassIsRepeated(string instant, bool repeated) =>
        Assert.Equal(repeated, CronExpression.IsRepeatedWallTime(Utc(instant), NewYork));

    [Fact]
    public void GetNextOccurrence_BerlinSpringGap_FiresAtThreeCest()
    {
        var slots = Occurrences("30 2 * * *", Berlin, "2026-03-28T12:00:00Z", "2026-03-31T00:00:00Z");

        Assert.Equal([Utc("2026-03-29T01:00:00Z"), Utc("2026-03-30T00:30:00Z")], slots);
    }

    [Fact]
    public void GetNextOccurrence_BerlinFallBack_FiresOnceInSummerTime()
    {
        // 02:30 happens at 00:30Z (CEST) and 01:30Z (CET) on 2026-10-25: only 00:30Z fires.
        var slots = Occurrences("30 2 * * *", Berlin, "2026-10-24T12:00:00Z", "2026-10-27T00:00:00Z");

        Assert.Equal([Utc("2026-10-25T00:30:00Z"), Utc("2026-10-26T01:30:00Z")], slots);
    }

    [Fact]
    public void GetNextOccurrence_BerlinFallBackEveryMinute_NoDuplicateOrBackwardsInstants()
    {
        var slots = Occurrences("* * * * *", Berlin, "2026-10-24T23:00:00Z", "2026-10-25T03:00:00Z");

        Assert.Equal(slots.Order(), slots);
        Assert.Equal(slots.Length, slots.Distinct().Count());
        // 00:00-00:59Z (02:xx CEST) fire; 01:00-01:59Z (02:xx CET again) do not; 02:00Z (03:00 CET) onwards fire.
        Assert.DoesNotContain(slots, s => s >= Utc("2026-10-25T01:00:00Z") && s < Utc("2026-10-25T02:00:00Z"));
        Assert.Contains(Utc("2026-10-25T00:59:00Z"), slots);
        Assert.Contains(Utc("2026-10-25T02:00:00Z"), slots);
    }
}
