using System.Globalization;
using Buquet.Actors.Scheduling.Cron;

namespace Buquet.Actors.Tests.Scheduling.Cron;

/// <summary>
/// Random valid expressions of buquet's dialect for <see cref="CronosDifferentialTests"/>: <c>*</c>, <c>?</c>,
/// values, lists, ranges, <c>*/s</c>, <c>a-b/s</c>, <c>n/s</c> and names, with hours biased towards the small
/// hours when DST clocks change.
/// </summary>
internal static class RandomCronGenerator
{
    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    public static string Next(Random random)
    {
        while (true)
        {
            var text = string.Join(' ', CronFieldSpec.All.Select(spec => Field(random, spec)));
            if (CronExpression.TryParse(text, out _, out _))
            {
                return text;
            }
        }
    }

    private static string Field(Random random, CronFieldSpec spec)
    {
        var restricted = spec == CronFieldSpec.Minute || spec == CronFieldSpec.Hour ? 70 : 35;
        if (random.Next(100) >= restricted)
        {
            return spec.AllowsAny && random.Next(4) == 0 ? "?" : "*";
        }

        var items = random.Next(4) == 0 ? random.Next(2, 4) : 1;
        return string.Join(',', Enumerable.Range(0, items).Select(_ => Item(random, spec)));
    }

    private static string Item(Random random, CronFieldSpec spec)
    {
        var a = Value(random, spec);
        var b = Value(random, spec);
        var (low, high) = (Math.Min(a, b), Math.Max(a, b));
        var step = random.Next(1, Math.Min(spec.Max, 20) + 1);
        return random.Next(8) switch
        {
            0 or 1 => Name(random, spec, a),
            2 => $"{Name(random, spec, low)}-{Name(random, spec, high)}",
            3 => $"*/{step}",
            4 => $"{low}-{high}/{step}",
            5 => $"{a}/{step}",
            _ => a.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A value of the field; hours are drawn from 0-3 half of the time (DST changes happen then).</summary>
    private static int Value(Random random, CronFieldSpec spec) =>
        spec == CronFieldSpec.Hour && random.Next(2) == 0 ? random.Next(0, 4) : random.Next(spec.Min, spec.Max + 1);

    /// <summary>The value as a name half of the time where the field has names, otherwise as a number.</summary>
    private static string Name(Random random, CronFieldSpec spec, int value)
    {
        if (spec.Names is null || random.Next(2) == 0)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        var name = spec == CronFieldSpec.Month ? Months[value - 1] : Days[value - 1];
        return random.Next(2) == 0 ? name : name.ToLowerInvariant();
    }
}
