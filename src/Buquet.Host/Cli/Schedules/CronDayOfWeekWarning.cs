using System.Globalization;
using Buquet.Actors.Scheduling.Cron;

namespace Buquet.Host.Cli.Schedules;

/// <summary>
/// The numeric day-of-week trap (ADR 0006): buquet numbers days 1-7 from Sunday (1 = SUN), crontab (Vixie cron) 0-7
/// from Sunday (1 = MON), so <c>0 9 * * 1-5</c> means Sunday-Thursday here and Monday-Friday in a crontab.
/// </summary>
internal static class CronDayOfWeekWarning
{
    private static readonly string[] Names = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    /// <summary>The warning for a valid cron whose day-of-week field uses numbers, or null when it uses none.</summary>
    public static string? For(string cron)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5 || !HasDayNumber(fields[4]))
        {
            return null;
        }

        var field = fields[4];
        var here = Translate(field, n => Names[n - 1]);
        var crontab = Translate(field, n => Names[n % 7]);
        var message = $"day-of-week '{field}' is numeric, and buquet numbers days 1-7 from Sunday (1 = SUN, 7 = SAT): ";
        if (here is null || crontab is null)
        {
            return message + "crontab (Vixie cron) numbers them from Monday (1 = MON). Check the next runs below, or use day names (SUN-SAT).";
        }

        var prefix = string.Join(' ', fields[..4]);
        return message + $"'{field}' means {here} here, while in a crontab it would mean {crontab}. "
            + $"Use names to say which you mean: -c '{prefix} {here}' (as written) or -c '{prefix} {crontab}' (the crontab meaning).";
    }

    private static bool HasDayNumber(string field) =>
        field.Split(',').Any(item => item.Split('/')[0].Any(char.IsAsciiDigit));

    /// <summary>Each number of a list of numbers and ranges (optionally stepped) as a day name; null for other shapes.</summary>
    private static string? Translate(string field, Func<int, string> name)
    {
        var items = new List<string>();
        foreach (var item in field.Split(','))
        {
            var parts = item.Split('/');
            var step = parts.Length == 2 ? "/" + parts[1] : "";
            var range = parts[0].Split('-');
            if (parts.Length > 2 || range.Length > 2 || (range.Length == 1 && step.Length > 0))
            {
                return null;
            }

            var names = new List<string>();
            foreach (var end in range)
            {
                if (int.TryParse(end, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 7)
                {
                    names.Add(name(n));
                }
                else if (Array.IndexOf(Names, end.ToUpperInvariant()) >= 0)
                {
                    names.Add(end.ToUpperInvariant());
                }
                else
                {
                    return null;
                }
            }

            var text = string.Join('-', names) + step;
            if (names.Count == 2 && Array.IndexOf(Names, names[0]) > Array.IndexOf(Names, names[1]))
            {
                return null; // a crontab range ending on Sunday (e.g. 1-7) wraps around: no single name range says it
            }

            items.Add(text);
        }

        var result = string.Join(',', items);
        return CronExpression.TryParse("0 0 * * " + result, out _, out _) ? result : null;
    }
}
