using System.Globalization;

namespace Buquet.Actors.Storage;

/// <summary>
/// One bucket lifecycle rule as Buquet applies it: for the objects under <paramref name="Prefix"/>, versions that stopped
/// being current are deleted <paramref name="NoncurrentDays"/> days later, and a delete marker left with no version
/// behind it is removed (<paramref name="RemoveExpiredDeleteMarkers"/>). Current objects are never touched.
/// </summary>
/// <param name="Id">The rule id; Buquet's ids start with <see cref="BucketLifecycle.IdPrefix"/>.</param>
/// <param name="Prefix">Key prefix the rule applies to.</param>
/// <param name="NoncurrentDays">Days after which a noncurrent version is deleted (S3 counts whole days, at least 1).</param>
/// <param name="RemoveExpiredDeleteMarkers">Expired object delete markers (no version behind them) are removed.</param>
public sealed record BucketLifecycleRule(string Id, string Prefix, int NoncurrentDays, bool RemoveExpiredDeleteMarkers)
{
    /// <summary>One line for reports, e.g. <c>ready/: noncurrent versions after 1 d, expired delete markers removed</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}: noncurrent versions after {NoncurrentDays} d{(RemoveExpiredDeleteMarkers ? ", expired delete markers removed" : "")}");
}

/// <summary>
/// The lifecycle rules Buquet needs on a versioned bucket (docs/operations.md, ADR 0015), and the comparison with what a
/// bucket has. Every write in a versioned bucket keeps the previous version, and every DELETE adds a delete marker:
/// index keys (<c>ready/</c>, <c>leases/</c>), the clock probe, heartbeats, shard leases and hints are rewritten or
/// deleted all the time, so without these rules they accumulate versions and markers without bound (billed as storage,
/// and slowing LISTs). Task objects keep their history for <c>taskHistoryDays</c>, which <c>buquet history</c> shows.
/// </summary>
public static class BucketLifecycle
{
    /// <summary>Ids of the rules Buquet owns start with this; other rules of the bucket are left alone.</summary>
    public const string IdPrefix = "buquet-";

    /// <summary>Default days a task's old versions (its history) are kept.</summary>
    public const int DefaultTaskHistoryDays = 30;

    /// <summary>Prefixes whose old versions are worth nothing after a day (hints, indexes, probes, heartbeats).</summary>
    public static IReadOnlyList<string> ShortLivedPrefixes { get; } =
        ["ready/", "leases/", "clock/", "hints/", "workers/", "shard-leases/", "leader/", "schedules/", ".doctor-test/", "bench/"];

    /// <summary>Prefixes whose old versions are a task's history.</summary>
    public static IReadOnlyList<string> HistoryPrefixes { get; } = ["tasks/", "payloads/"];

    /// <summary>The rules Buquet applies: one per prefix, noncurrent versions after 1 day (or <paramref name="taskHistoryDays"/> for task history), expired delete markers removed.</summary>
    /// <param name="taskHistoryDays">Days the old versions of task objects and payloads are kept, at least 1.</param>
    public static IReadOnlyList<BucketLifecycleRule> Recommended(int taskHistoryDays = DefaultTaskHistoryDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(taskHistoryDays, 1);
        return
        [
            .. ShortLivedPrefixes.Select(p => new BucketLifecycleRule(RuleId(p), p, 1, true)),
            .. HistoryPrefixes.Select(p => new BucketLifecycleRule(RuleId(p), p, taskHistoryDays, true)),
        ];
    }

    /// <summary>The rule id Buquet uses for <paramref name="prefix"/>, e.g. <c>buquet-ready</c>.</summary>
    public static string RuleId(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return IdPrefix + prefix.Trim('/', '.').Replace('/', '-');
    }

    /// <summary>
    /// The wanted rules that <paramref name="present"/> does not satisfy: no enabled rule for the same prefix, or one that
    /// keeps noncurrent versions longer than wanted or does not remove expired delete markers.
    /// </summary>
    public static IReadOnlyList<BucketLifecycleRule> Missing(IReadOnlyList<BucketLifecycleRule> present, IReadOnlyList<BucketLifecycleRule> wanted)
    {
        ArgumentNullException.ThrowIfNull(present);
        ArgumentNullException.ThrowIfNull(wanted);
        return [.. wanted.Where(w => !present.Any(p => p.Prefix == w.Prefix && p.NoncurrentDays <= w.NoncurrentDays && (p.RemoveExpiredDeleteMarkers || !w.RemoveExpiredDeleteMarkers)))];
    }
}
