using System.Text.Json.Nodes;

namespace Buquet.Host.Bench;

/// <summary>
/// What woke a worker, from its own meters (<c>bench --cluster</c>): the counters named in <see cref="Instruments"/> by
/// their <c>path</c> tag, as <c>name/path</c> keys, and which of those instruments the process published at all (an
/// instrument a build lacks reads "n/a", not zero).
/// </summary>
internal sealed record WakeCounts(IReadOnlyDictionary<string, long> Counts, IReadOnlySet<string> Published)
{
    /// <summary>Polls brought forward, by path (push, hint).</summary>
    public const string Wakeups = "buquet.poller.wakeups";

    /// <summary>Claims, by the path that woke them (push, hint, poll).</summary>
    public const string Pickups = "buquet.worker.pickups";

    /// <summary>The counters a worker process listens to.</summary>
    public static IReadOnlyList<string> Instruments { get; } = [Wakeups, Pickups];

    public static WakeCounts Empty { get; } = new(new Dictionary<string, long>(), new HashSet<string>());

    /// <summary>The count of <paramref name="instrument"/> with <c>path</c> = <paramref name="path"/>; null when the instrument was never published.</summary>
    public long? this[string instrument, string path] =>
        Published.Contains(instrument) ? Counts.GetValueOrDefault(instrument + "/" + path) : null;

    /// <summary>The sum over several processes; an instrument counts as published when any process published it.</summary>
    public static WakeCounts Sum(IEnumerable<WakeCounts> all)
    {
        ArgumentNullException.ThrowIfNull(all);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var published = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in all)
        {
            published.UnionWith(w.Published);
            foreach (var (key, n) in w.Counts)
            {
                counts[key] = counts.GetValueOrDefault(key) + n;
            }
        }

        return new(counts, published);
    }

    /// <summary>This minus <paramref name="earlier"/> (the counts of a phase).</summary>
    public WakeCounts Minus(WakeCounts earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var counts = Counts.Keys.Union(earlier.Counts.Keys, StringComparer.Ordinal)
            .ToDictionary(k => k, k => Counts.GetValueOrDefault(k) - earlier.Counts.GetValueOrDefault(k), StringComparer.Ordinal);
        return new(counts, new HashSet<string>(Published.Union(earlier.Published), StringComparer.Ordinal));
    }

    /// <summary><c>{"buquet.poller.wakeups": {"push": n, "hint": n}, "buquet.worker.pickups": null}</c> (null: not published).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var instrument in Instruments)
        {
            JsonObject? paths = null;
            if (Published.Contains(instrument))
            {
                paths = [];
                foreach (var (key, n) in Counts.Where(kv => kv.Key.StartsWith(instrument + "/", StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    paths[key[(instrument.Length + 1)..]] = n;
                }
            }

            json[instrument] = paths;
        }

        return json;
    }
}
