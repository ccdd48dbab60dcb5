using Buquet.Actors.Scheduling.Cron;

namespace Buquet.Actors.Tests.Scheduling.Cron.Oracle;

/// <summary>
/// The pre-Cronos occurrence engine of <see cref="CronExpression"/> (bit-set fields, a field-by-field wall-clock
/// search and the DST mapping of ADR 0006), kept unchanged as the test oracle of
/// <see cref="CronosDifferentialTests"/>. It parses with the product's <see cref="CronFieldParser"/>; only the
/// occurrence search lives here. Not product code: the library computes occurrences with Cronos (ADR 0006, Decision 6).
/// </summary>
internal sealed class OracleCronEvaluator
{
    /// <summary>The last year in which occurrences are produced (the crate's year range ends in 2100).</summary>
    private const int MaxYear = 2100;

    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _daysOfMonth;
    private readonly ulong _months;
    private readonly ulong _daysOfWeek;

    public OracleCronEvaluator(string expression)
    {
        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var masks = new ulong[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            masks[i] = CronFieldParser.Parse(fields[i], CronFieldSpec.All[i]);
        }

        (_minutes, _hours, _daysOfMonth, _months, _daysOfWeek) = (masks[0], masks[1], masks[2], masks[3], masks[4]);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> on the wall clock of the zone.</summary>
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

            var instant = OracleZoneMapping.ToInstant(local.Value, zone);
            if (instant > after)
            {
                return instant;
            }

            // The wall time already fired earlier (repeated fall-back hour) or shares a gap's instant.
            start = local.Value.AddMinutes(1);
        }
    }

    /// <summary>The first wall-clock minute at or after <paramref name="start"/> that matches every field.</summary>
    public DateTime? NextLocal(DateTime start)
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

    private static bool Has(ulong mask, int value) => (mask & (1UL << value)) != 0;

    private static DateTime TruncateToMinute(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Unspecified);
}
