using System.Globalization;

namespace Buquet.Actors.Configuration;

/// <summary>
/// Parses HOCON-style sizes in bytes: <c>512</c>, <c>256KiB</c>, <c>1MB</c>, <c>5 MiB</c>, <c>1G</c>. As in HOCON,
/// <c>kB</c>/<c>MB</c>/<c>GB</c>/<c>TB</c> are powers of 1000 while <c>K</c>/<c>Ki</c>/<c>KiB</c> (and M, G, T) are powers
/// of 1024; a bare number is bytes.
/// </summary>
public static class ByteSizes
{
    private static readonly (string[] Names, long Factor)[] Units =
    [
        (["B", "b", "byte", "bytes"], 1),
        (["kB", "KB", "kilobyte", "kilobytes"], 1000),
        (["K", "k", "Ki", "KiB", "kibibyte", "kibibytes"], 1L << 10),
        (["MB", "megabyte", "megabytes"], 1000 * 1000),
        (["M", "m", "Mi", "MiB", "mebibyte", "mebibytes"], 1L << 20),
        (["GB", "gigabyte", "gigabytes"], 1000L * 1000 * 1000),
        (["G", "g", "Gi", "GiB", "gibibyte", "gibibytes"], 1L << 30),
        (["TB", "terabyte", "terabytes"], 1000L * 1000 * 1000 * 1000),
        (["T", "t", "Ti", "TiB", "tebibyte", "tebibytes"], 1L << 40),
    ];

    /// <summary>Parses <paramref name="text"/> as a number of bytes.</summary>
    /// <exception cref="FormatException">The text is not a size; the message names the text and the accepted forms.</exception>
    public static long Parse(string text)
    {
        if (TryParse(text, out var value, out var error))
        {
            return value;
        }

        throw new FormatException(error);
    }

    /// <summary>Tries to parse <paramref name="text"/> as a number of bytes.</summary>
    public static bool TryParse(string? text, out long value) => TryParse(text, out value, out _);

    /// <summary>Formats a size the way <see cref="Parse"/> reads it, using the largest exact binary unit (e.g. <c>256KiB</c>).</summary>
    public static string Format(long bytes)
    {
        string[] names = ["TiB", "GiB", "MiB", "KiB"];
        int[] shifts = [40, 30, 20, 10];
        for (var i = 0; i < names.Length; i++)
        {
            var factor = 1L << shifts[i];
            if (bytes != 0 && bytes % factor == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / factor}{names[i]}");
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    internal static bool TryParse(string? text, out long value, out string error)
    {
        value = 0;
        const string Accepted = "expected a byte count such as 512, 256KiB, 1MB or 5MiB";
        var s = text?.Trim() ?? string.Empty;
        var split = 0;
        while (split < s.Length && (char.IsAsciiDigit(s[split]) || s[split] == '.'))
        {
            split++;
        }

        if (split == 0 || !double.TryParse(s[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            error = s.StartsWith('-') ? $"'{text}' is not a size: it is negative" : $"'{text}' is not a size: {Accepted}";
            return false;
        }

        var unitText = s[split..].Trim();
        long factor = 1;
        if (unitText.Length > 0)
        {
            var match = Units.FirstOrDefault(u => u.Names.Contains(unitText, StringComparer.Ordinal));
            if (match.Names is null)
            {
                error = $"'{text}' is not a size: unknown unit '{unitText}'; {Accepted}";
                return false;
            }

            factor = match.Factor;
        }

        var bytes = number * factor;
        if (bytes > long.MaxValue || bytes != Math.Floor(bytes))
        {
            error = $"'{text}' is not a size: it is too large or not a whole number of bytes";
            return false;
        }

        value = (long)bytes;
        error = string.Empty;
        return true;
    }
}
