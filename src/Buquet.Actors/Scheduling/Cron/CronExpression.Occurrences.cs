namespace Buquet.Actors.Scheduling.Cron;

public sealed partial class CronExpression
{
    /// <summary>
    /// The first occurrence strictly after <paramref name="after"/>, evaluated on the wall clock of
    /// <paramref name="zone"/> (UTC when <c>null</c>, as buquet peers do).
    /// </summary>
    /// <param name="after">The instant after which to search (exclusive).</param>
    /// <param name="zone">The time zone whose wall clock the fields describe; <c>null</c> = UTC.</param>
    /// <returns>The occurrence, or <c>null</c> when there is none through the year 2100 (e.g. <c>0 0 30 2 *</c>).</returns>
    /// <remarks>
    /// DST: a wall time that falls in a spring-forward gap (e.g. 02:30 on the night clocks jump from 02:00 to 03:00)
    /// fires once at the first valid instant after the gap (03:00 new time); several slots in one gap fire once
    /// together. A wall time that occurs twice at fall-back fires once, at its first occurrence (summer time);
    /// the repeated hour does not fire again.
    /// </remarks>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after, TimeZoneInfo? zone = null)
    {
        zone ??= TimeZoneInfo.Utc;

        // Filter 3a, the year limit before Cronos: nothing fires after 2100 (the crate's last year), so a search
        // from a wall clock past 2100 finds nothing. This also keeps instants near DateTimeOffset.MaxValue away from
        // Cronos, which throws ArgumentOutOfRangeException for them instead of returning none.
        if (WallClockYear(after, zone) > MaxYear)
        {
            return null;
        }

        var cursor = after;
        while (true)
        {
            var next = _cronos.GetNextOccurrence(cursor, zone, inclusive: false);

            // Filter 3b, the year limit after Cronos: Cronos searches far past 2100 (e.g. "0 0 29 2 *" after 2096
            // gives 2104); buquet peers have no occurrence there.
            if (next is null || WallClockYear(next.Value, zone) > MaxYear)
            {
                return null;
            }

            // Filter 1, the repeated fall-back hour: buquet fires an ambiguous wall time once, at its first
            // occurrence (the larger, summer-time offset). Cronos fires "interval" expressions (* or a step in the
            // minute or hour field) again in the repeated hour; our explicit lists avoid that today, and this
            // filter keeps the rule true whatever Cronos decides: an instant in the repeated hour already fired at
            // its first pass, so search on after it.
            if (!IsRepeatedWallTime(next.Value, zone))
            {
                // Filter 2, the spring-forward gap, needs no code: Cronos returns the first instant after the gap
                // for a wall time inside it, as buquet does, and the slots of one gap and the first slot after it
                // share that instant, so the strict "after" fires them once (pinned by CronTimeZoneTests).
                return next;
            }

            cursor = next.Value;
        }
    }

    /// <summary>
    /// The occurrences in <c>(from, to]</c> (after <paramref name="from"/>, up to and including
    /// <paramref name="to"/>), oldest first, at most <paramref name="max"/>.
    /// </summary>
    /// <param name="from">Exclusive lower bound.</param>
    /// <param name="to">Inclusive upper bound.</param>
    /// <param name="zone">The time zone; <c>null</c> = UTC.</param>
    /// <param name="max">The most occurrences to return (0 or more).</param>
    /// <returns>The occurrences.</returns>
    public IReadOnlyList<DateTimeOffset> GetOccurrences(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo? zone, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var result = new List<DateTimeOffset>();
        var cursor = from;
        while (result.Count < max)
        {
            var next = GetNextOccurrence(cursor, zone);
            if (next is null || next.Value > to)
            {
                break;
            }

            result.Add(next.Value);
            cursor = next.Value;
        }

        return result;
    }

    /// <summary>
    /// Whether <paramref name="instant"/> is the second pass of a wall time the zone repeats at fall-back (its offset
    /// is smaller than the summer-time one), i.e. a wall time that buquet already fired at its first pass.
    /// </summary>
    internal static bool IsRepeatedWallTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        zone.IsAmbiguousTime(instant) && zone.GetUtcOffset(instant) < zone.GetAmbiguousTimeOffsets(instant).Max();

    private static int WallClockYear(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).Year;
}
