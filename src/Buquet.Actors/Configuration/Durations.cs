using System.Globalization;

namespace Buquet.Actors.Configuration;

/// <summary>
/// Parses HOCON-style durations: a number followed by a unit, e.g. <c>250ms</c>, <c>30s</c>, <c>5m</c>,
/// <c>1h</c>, <c>1d</c>, <c>1w</c>, <c>1.5h</c>, <c>10 seconds</c>. A bare <c>0</c> is accepted; any other bare number is
/// rejected because its unit would be ambiguous. A .NET <c>hh:mm:ss</c> time span is accepted too.
/// </summary>
public static class Durations
{
    private static readonly (string[] Names, double Milliseconds)[] Units =
    [
        (["ns", "nanosecond", "nanoseconds"], 1e-6),
        (["us", "microsecond", "microseconds"], 1e-3),
        (["ms", "millis", "millisecond", "milliseconds"], 1),
        (["s", "sec", "secs", "second", "seconds"], 1000),
        (["m", "min", "mins", "minute", "minutes"], 60_000),
        (["h", "hr", "hrs", "hour", "hours"], 3_600_000),
        (["d", "day", "days"], 86_400_000),
        (["w", "week", "weeks"], 604_800_000),
    ];

    /// <summary>Parses <paramref name="text"/> as a duration.</summary>
    /// <exception cref="FormatException">The text is not a duration; the message names the text and the accepted forms.</exception>
    public static TimeSpan Parse(string text)
    {
        if (TryParse(text, out var value, out var error))
        {
            return value;
        }

        throw new FormatException(error);
    }

    /// <summary>Tries to parse <paramref name="text"/> as a duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value) => TryParse(text, out value, out _);

    /// <summary>Formats a duration the way <see cref="Parse"/> reads it, using the largest exact unit (e.g. <c>5m</c>, <c>250ms</c>).</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var ms = value.TotalMilliseconds;
        foreach (var (names, unitMs) in Units.Reverse())
        {
            if (unitMs >= 1 && ms % unitMs == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{ms / unitMs}{names[0]}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{ms}ms");
    }

    internal static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = default;
        var s = text?.Trim() ?? string.Empty;
        const string Accepted = "expected a number with a unit such as 250ms, 30s, 5m, 1h, 1d or 1w";
        if (s.Length == 0)
        {
            error = $"'{text}' is not a duration: it is empty; {Accepted}";
            return false;
        }

        if (s.Contains(':', StringComparison.Ordinal))
        {
            if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero)
            {
                error = string.Empty;
                return true;
            }

            error = $"'{text}' is not a duration: {Accepted}";
            return false;
        }

        var split = 0;
        while (split < s.Length && (char.IsAsciiDigit(s[split]) || s[split] == '.' || (split == 0 && s[split] is '-' or '+')))
        {
            split++;
        }

        var numberText = s[..split];
        var unitText = s[split..].Trim();
        if (!double.TryParse(numberText, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            error = $"'{text}' is not a duration: {Accepted}";
            return false;
        }

        if (number < 0)
        {
            error = $"'{text}' is not a duration: it is negative";
            return false;
        }

        if (unitText.Length == 0)
        {
            if (number == 0)
            {
                error = string.Empty;
                return true;
            }

            error = $"'{text}' is not a duration: the unit is missing; write e.g. {numberText}s or {numberText}ms";
            return false;
        }

        foreach (var (names, unitMs) in Units)
        {
            if (names.Contains(unitText, StringComparer.Ordinal))
            {
                var ms = number * unitMs;
                if (ms > TimeSpan.MaxValue.TotalMilliseconds)
                {
                    error = $"'{text}' is not a duration: it is too large";
                    return false;
                }

                value = TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond));
                error = string.Empty;
                return true;
            }
        }

        error = $"'{text}' is not a duration: unknown unit '{unitText}'; {Accepted}";
        return false;
    }
}
