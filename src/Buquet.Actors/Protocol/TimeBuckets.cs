using System.Globalization;

namespace Buquet.Actors.Protocol;

/// <summary>Epoch-minute buckets of ready and lease index keys (protocol §1.3).</summary>
internal static class TimeBuckets
{
    /// <summary>Bucket number: floor(unix seconds / 60), Euclidean.</summary>
    public static long Number(DateTimeOffset time) => Math.DivRem(time.ToUnixTimeSeconds(), 60, out var rem) - (rem < 0 ? 1 : 0);

    /// <summary>The 10-digit zero-padded bucket of <paramref name="time"/>.</summary>
    public static string For(DateTimeOffset time) => Format(Number(time));

    /// <summary>Formats a bucket number as 10 zero-padded digits.</summary>
    public static string Format(long bucket) => bucket.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>Parses a bucket segment; false unless it is exactly 10 digits.</summary>
    public static bool TryParse(string text, out long bucket)
    {
        bucket = 0;
        return text.Length == 10 && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out bucket);
    }

    /// <summary>The start instant of a bucket.</summary>
    public static DateTimeOffset Start(long bucket) => DateTimeOffset.FromUnixTimeSeconds(bucket * 60);
}
