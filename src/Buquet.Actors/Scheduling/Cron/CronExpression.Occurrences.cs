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
        var localAfter = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        if (localAfter.Year > MaxYear)
        {
            return null;
        }

        var start = TruncateToMinute(localAfter).AddMinutes(1);
        while (true)
        {
            var local = NextLocal(start);
            if (local is null)
            {
                return null;
            }

            var instant = CronZoneMapping.ToInstant(local.Value, zone);
            if (instant > after)
            {
                return instant;
            }

            // The wall time already fired earlier (repeated fall-back hour) or shares a gap's instant.
            start = local.Value.AddMinutes(1);
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

    /// <summary>The first wall-clock minute at or after <paramref name="start"/> that matches every field.</summary>
    internal DateTime? NextLocal(DateTime start)
    {
        var t = TruncateToMinute(start);
        while (t.Year <= MaxYear)
        {
            if (!Has(_months, t.Month))
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
            }
            else if (!Has(_daysOfMonth, t.Day) || !Has(_daysOfWeek, (int)t.DayOfWeek + 1))
            {
                t = t.Date.AddDays(1);
            }
            else if (!Has(_hours, t.Hour))
            {
                t = t.Date.AddHours(t.Hour + 1);
            }
            else if (!Has(_minutes, t.Minute))
            {
                t = t.AddMinutes(1);
            }
            else
            {
                return t;
            }
        }

        return null;
    }

    private static DateTime TruncateToMinute(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Unspecified);
}
