using System.Globalization;

namespace Buquet.Actors.Protocol;

/// <summary>
/// The fleet-wide shard space: shard = first <see cref="PrefixLength"/> hex characters of the hyphen-free lowercase
/// task id (protocol §1.2). All producers and workers sharing a bucket must use the same prefix length.
/// </summary>
internal sealed class ShardSpace
{
    public const int MinPrefixLength = 1;
    public const int MaxPrefixLength = 4;

    private static readonly ShardSpace[] Cache = [.. Enumerable.Range(MinPrefixLength, MaxPrefixLength).Select(n => new ShardSpace(n))];

    private ShardSpace(int prefixLength)
    {
        PrefixLength = prefixLength;
        var count = 1 << (4 * prefixLength);
        var format = "x" + prefixLength.ToString(CultureInfo.InvariantCulture);
        All = [.. Enumerable.Range(0, count).Select(i => i.ToString(format, CultureInfo.InvariantCulture))];
    }

    /// <summary>Number of hex characters in a shard name (1..4).</summary>
    public int PrefixLength { get; }

    /// <summary>Every shard, ascending: <c>0</c>..<c>f</c> for length 1, <c>00</c>..<c>ff</c> for 2, and so on.</summary>
    public IReadOnlyList<string> All { get; }

    /// <summary>The shard space for a prefix length; throws naming the value unless it is 1..4.</summary>
    public static ShardSpace For(int prefixLength)
    {
        if (prefixLength is < MinPrefixLength or > MaxPrefixLength)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, $"Shard prefix length must be {MinPrefixLength}..{MaxPrefixLength}, was {prefixLength}.");
        }

        return Cache[prefixLength - MinPrefixLength];
    }

    /// <summary>The shard of a task id.</summary>
    public string ShardOf(Guid taskId) => Shards.For(taskId, PrefixLength);

    /// <summary>True when <paramref name="shard"/> is a member of this space.</summary>
    public bool Contains(string shard) =>
        shard.Length == PrefixLength && shard.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}

/// <summary>Shard computation (protocol §1.2).</summary>
internal static class Shards
{
    /// <summary>First <paramref name="prefixLength"/> hex characters of the hyphen-free lowercase id.</summary>
    public static string For(Guid taskId, int prefixLength)
    {
        if (prefixLength is < ShardSpace.MinPrefixLength or > ShardSpace.MaxPrefixLength)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, "Shard prefix length must be 1..4.");
        }

        return taskId.ToString("N")[..prefixLength];
    }

    /// <summary>Shard of a textual id (any form <see cref="Guid.Parse(string)"/> accepts).</summary>
    public static string For(string taskId, int prefixLength)
    {
        if (!Guid.TryParse(taskId, out var id))
        {
            throw new ArgumentException($"Task id '{taskId}' is not a UUID.", nameof(taskId));
        }

        return For(id, prefixLength);
    }
}
