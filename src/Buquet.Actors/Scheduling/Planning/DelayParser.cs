using System.Globalization;

namespace Buquet.Actors.Scheduling.Planning;

/// <summary>
/// Parses one-shot delays the way buquet's <c>--delay</c> does: <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>,
/// <c>1w</c>, long units (<c>sec secs second seconds min mins minute minutes hr hrs hour hours day days week
/// weeks</c>), a bare number = seconds; plus combinations such as <c>1h30m</c> or <c>1d 12h</c>.
/// </summary>
public static class DelayParser
{
    private static readonly Dictionary<string, long> UnitSeconds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["s"] = 1, ["sec"] = 1, ["secs"] = 1, ["second"] = 1, ["seconds"] = 1,
        ["m"] = 60, ["min"] = 60, ["mins"] = 60, ["minute"] = 60, ["minutes"] = 60,
        ["h"] = 3600, ["hr"] = 3600, ["hrs"] = 3600, ["hour"] = 3600, ["hours"] = 3600,
        ["d"] = 86400, ["day"] = 86400, ["days"] = 86400,
        ["w"] = 604800, ["week"] = 604800, ["weeks"] = 604800,
    };

    /// <summary>Parses a delay.</summary>
    /// <param name="text">For example <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>90</c>.</param>
    /// <returns>The delay (whole seconds).</returns>
    /// <exception cref="FormatException">The text is not a delay; the message quotes it.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var delay, out var error) ? delay : throw new FormatException(error);
    }

    /// <summary>Parses a delay without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="delay">The delay, or zero.</param>
    /// <returns>Whether the text is a delay.</returns>
    public static bool TryParse(string? text, out TimeSpan delay) => TryParse(text, out delay, out _);

    private static bool TryParse(string? text, out TimeSpan delay, out string error)
    {
        delay = TimeSpan.Zero;
        var s = (text ?? string.Empty).Trim();
        var help = "expected a number with a unit such as 30s, 5m, 1h, 1d, 1w, a combination like 1h30m, or whole seconds";
        if (s.Length == 0)
        {
            error = $"Invalid delay \"{text}\": {help}.";
            return false;
        }

        long total = 0;
        var i = 0;
        var parts = 0;
        while (i < s.Length)
        {
            var numberStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == numberStart
                || !long.TryParse(s.AsSpan(numberStart, i - numberStart), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                error = $"Invalid delay \"{text}\": {help}.";
                return false;
            }

            while (i < s.Length && s[i] == ' ')
            {
                i++;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            var unit = s[unitStart..i];
            long factor;
            if (unit.Length == 0)
            {
                // A bare number means seconds, but only on its own ("90"), not inside a combination ("1h30").
                if (parts > 0 || i < s.Length)
                {
                    error = $"Invalid delay \"{text}\": \"{number}\" has no unit; {help}.";
                    return false;
                }

                factor = 1;
            }
            else if (!UnitSeconds.TryGetValue(unit, out factor))
            {
                error = $"Invalid delay \"{text}\": unknown unit \"{unit}\"; {help}.";
                return false;
            }

            try
            {
                total = checked(total + checked(number * factor));
            }
            catch (OverflowException)
            {
                total = long.MaxValue;
            }

            if (total > (long)TimeSpan.MaxValue.TotalSeconds)
            {
                error = $"Invalid delay \"{text}\": it is too large.";
                return false;
            }

            parts++;
            while (i < s.Length && s[i] == ' ')
            {
                i++;
            }
        }

        delay = TimeSpan.FromSeconds(total);
        error = string.Empty;
        return true;
    }
}
