using System.Globalization;

namespace Buquet.Actors.Protocol.Json;

/// <summary>
/// RFC 3339 timestamps as buquet peers write and read them (protocol §2.1): UTC with <c>Z</c> and 0/3/6/9 fractional
/// digits (chrono's AutoSi); any offset and any number of fractional digits accepted on read; a missing offset is
/// rejected.
/// </summary>
internal static class Rfc3339
{
    /// <summary>Formats in UTC with <c>Z</c> and 0, 3, 6 or 9 fractional digits, the fewest that keep every tick.</summary>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var baseText = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var ticks = utc.Ticks % TimeSpan.TicksPerSecond; // 7 digits of 100 ns
        if (ticks == 0)
        {
            return baseText + "Z";
        }

        if (ticks % 10_000 == 0)
        {
            return baseText + "." + (ticks / 10_000).ToString("D3", CultureInfo.InvariantCulture) + "Z";
        }

        if (ticks % 10 == 0)
        {
            return baseText + "." + (ticks / 10).ToString("D6", CultureInfo.InvariantCulture) + "Z";
        }

        return baseText + "." + ticks.ToString("D7", CultureInfo.InvariantCulture) + "00Z";
    }

    /// <summary>Parses an RFC 3339 timestamp with an offset; false when malformed.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length < 20)
        {
            return false;
        }

        // yyyy-MM-ddTHH:mm:ss at fixed positions.
        if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        var i = 19;
        long fractionTicks = 0;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            var start = i;
            var scale = TimeSpan.TicksPerSecond / 10;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                fractionTicks += (text[i] - '0') * scale;
                scale /= 10;
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        TimeSpan offset;
        var rest = text[i..];
        if (rest is "Z" or "z")
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':'
                 && int.TryParse(rest.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var oh)
                 && int.TryParse(rest.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var om)
                 && oh < 24 && om < 60)
        {
            offset = new TimeSpan(oh, om, 0);
            if (rest[0] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        if (!DateTime.TryParseExact(text.AsSpan(0, 19).ToString().Replace(' ', 'T').Replace('t', 'T'), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        try
        {
            value = new DateTimeOffset(local.AddTicks(fractionTicks), offset).ToUniversalTime();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
