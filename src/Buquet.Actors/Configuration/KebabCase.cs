using System.Text;

namespace Buquet.Actors.Configuration;

/// <summary>The explicit property ↔ HOCON key mapping: <c>ShardPrefixLength</c> ↔ <c>shard-prefix-length</c>.</summary>
internal static class KebabCase
{
    /// <summary>PascalCase → kebab-case: <c>ShardPrefixLength</c> → <c>shard-prefix-length</c>, <c>S3</c> → <c>s3</c>, <c>OnDemand</c> → <c>on-demand</c>.</summary>
    public static string FromPascal(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                var prev = name[i - 1];
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(prev) || char.IsDigit(prev) || (char.IsUpper(prev) && nextIsLower))
                {
                    sb.Append('-');
                }
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary>A form in which <c>shard-prefix-length</c>, <c>ShardPrefixLength</c> and <c>SHARD_PREFIX_LENGTH</c> are equal.</summary>
    public static string Normalize(string key) =>
        key.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>One configuration path segment as a kebab-case key: <c>ShardLeasing</c>, <c>SHARD_LEASING</c> → <c>shard-leasing</c>.</summary>
    public static string SegmentToKebab(string segment)
    {
        if (segment.Contains('_', StringComparison.Ordinal) || segment.All(c => !char.IsLower(c)))
        {
            return segment.Replace('_', '-').ToLowerInvariant();
        }

        return FromPascal(segment);
    }

    /// <summary>Edit distance, for "did you mean" suggestions.</summary>
    public static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
