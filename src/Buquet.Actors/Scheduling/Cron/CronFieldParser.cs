using System.Globalization;

namespace Buquet.Actors.Scheduling.Cron;

/// <summary>
/// Parses one cron field into a bit set (bit <c>v</c> set = value <c>v</c> matches), following the Rust
/// <c>cron</c> crate 0.15: lists, ranges (no wrap-around), steps (<c>*/s</c>, <c>n/s</c> = n..max,
/// <c>a-b/s</c>, <c>NAME-NAME/s</c>), names, <c>*</c>, and <c>?</c> in day-of-month/day-of-week.
/// </summary>
internal static class CronFieldParser
{
    public static ulong Parse(string fieldText, CronFieldSpec spec)
    {
        ulong mask = 0;
        foreach (var item in fieldText.Split(','))
        {
            if (item.Length == 0)
            {
                throw new CronFieldError(fieldText, "has an empty list item");
            }

            mask |= ParseItem(item, spec);
        }

        return mask;
    }

    private static ulong ParseItem(string item, CronFieldSpec spec)
    {
        if (item.IndexOfAny(['L', 'l', 'W', 'w', '#']) >= 0 && IsSpecialCharacterUse(item, spec))
        {
            throw new CronFieldError(
                item,
                "uses L, W or #, which buquet peers (Rust cron crate 0.15) do not support");
        }

        var slash = item.IndexOf('/', StringComparison.Ordinal);
        var baseText = slash < 0 ? item : item[..slash];
        int? step = slash < 0 ? null : ParseStep(item, item[(slash + 1)..], spec);

        int low;
        int high;
        if (baseText is "*" || (baseText is "?" && spec.AllowsAny))
        {
            (low, high) = (spec.Min, spec.Max);
        }
        else if (baseText is "?")
        {
            throw new CronFieldError(item, "uses ?, which is only allowed in the day-of-month and day-of-week fields");
        }
        else if (baseText.Contains('-', StringComparison.Ordinal))
        {
            (low, high) = ParseRange(item, baseText, spec);
        }
        else if (IsDigits(baseText))
        {
            low = ParseValue(item, baseText, spec);
            high = step is null ? low : spec.Max;
        }
        else
        {
            if (step is not null)
            {
                throw new CronFieldError(item, "steps a single name; a step needs *, a number or a range before the /");
            }

            low = high = ParseName(item, baseText, spec);
        }

        ulong mask = 0;
        for (var v = low; v <= high; v += step ?? 1)
        {
            mask |= 1UL << v;
        }

        return mask;
    }

    private static bool IsSpecialCharacterUse(string item, CronFieldSpec spec)
    {
        if (item.Contains('#', StringComparison.Ordinal))
        {
            return true;
        }

        // Month and day names contain these letters too ("JUL", "WED"): flag only Quartz's L/W forms,
        // e.g. "L", "LW", "5L", "15W".
        foreach (var part in item.Split('-', '/'))
        {
            if (part.Length == 0 || IsDigits(part) || (spec.Names?.ContainsKey(part) ?? false))
            {
                continue;
            }

            var upper = part.ToUpperInvariant();
            if (upper is "L" or "W" or "LW" || (upper.Length > 1 && IsDigits(upper[..^1]) && upper[^1] is 'L' or 'W'))
            {
                return true;
            }
        }

        return false;
    }

    private static int ParseStep(string item, string stepText, CronFieldSpec spec)
    {
        if (!IsDigits(stepText))
        {
            throw new CronFieldError(item, $"has step \"{stepText}\", which is not a whole number");
        }

        if (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            || step < 1 || step > spec.Max)
        {
            throw new CronFieldError(item, $"has step {stepText}; a step must be between 1 and {spec.Max}");
        }

        return step;
    }

    private static (int Low, int High) ParseRange(string item, string rangeText, CronFieldSpec spec)
    {
        var dash = rangeText.IndexOf('-', StringComparison.Ordinal);
        var startText = rangeText[..dash];
        var endText = rangeText[(dash + 1)..];
        if (startText.Length == 0 || endText.Length == 0 || endText.Contains('-', StringComparison.Ordinal))
        {
            throw new CronFieldError(item, "is not a valid range; write start-end, e.g. 1-5");
        }

        int low;
        int high;
        if (IsDigits(startText) && IsDigits(endText))
        {
            low = ParseValue(item, startText, spec);
            high = ParseValue(item, endText, spec);
        }
        else if (!IsDigits(startText) && !IsDigits(endText))
        {
            low = ParseName(item, startText, spec);
            high = ParseName(item, endText, spec);
        }
        else
        {
            throw new CronFieldError(item, "mixes a number and a name in one range");
        }

        if (low > high)
        {
            throw new CronFieldError(item, $"is a reversed range ({low} > {high}); buquet peers do not wrap ranges around");
        }

        return (low, high);
    }

    private static int ParseValue(string item, string text, CronFieldSpec spec)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value < spec.Min || value > spec.Max)
        {
            var hint = spec == CronFieldSpec.DayOfWeek && text.TrimStart('0').Length == 0
                ? " (buquet peers number days 1-7 with Sunday = 1; use 1 or SUN for Sunday)"
                : string.Empty;
            var subject = item == text ? "is" : $"has \"{text}\", which is";
            throw new CronFieldError(item, $"{subject} out of range {spec.Min}-{spec.Max}{hint}");
        }

        return value;
    }

    private static int ParseName(string item, string text, CronFieldSpec spec)
    {
        if (spec.Names is null)
        {
            throw new CronFieldError(item, $"is not a number (the {spec.Name} field takes numbers {spec.Min}-{spec.Max})");
        }

        if (!spec.Names.TryGetValue(text, out var value))
        {
            var expected = spec == CronFieldSpec.Month ? "JAN-DEC" : "SUN-SAT";
            var subject = item == text ? "is" : $"has \"{text}\", which is";
            throw new CronFieldError(item, $"{subject} not a valid {spec.Name} (numbers {spec.Min}-{spec.Max} or names {expected})");
        }

        return value;
    }

    private static bool IsDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);
}

/// <summary>A problem with one token of a field; <see cref="CronExpression.Parse"/> adds the context.</summary>
internal sealed class CronFieldError(string token, string problem) : Exception(problem)
{
    public string Token { get; } = token;

    public string Problem { get; } = problem;
}
