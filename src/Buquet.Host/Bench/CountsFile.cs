using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Buquet.Actors.Storage;

namespace Buquet.Host.Bench;

/// <summary>
/// How a benchmarked worker process reports its store request counts: a small JSON file rewritten atomically (temp file +
/// rename) every <see cref="Period"/> and once more on exit: <c>{"pid": n, "final": bool, "counts": {"Put/Ok": n, ...}}</c>,
/// plus the wake-path counters the process published: <c>"published": ["buquet.poller.wakeups"], "wakes": {"buquet.poller.wakeups/push": n}</c>.
/// </summary>
internal static class CountsFile
{
    /// <summary>How often a worker process rewrites its counts.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    public static void Write(string path, RequestCounts counts, bool final, WakeCounts? wakes = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        wakes ??= WakeCounts.Empty;
        var map = new JsonObject();
        foreach (var ((op, outcome), n) in counts.ByOutcome.OrderBy(kv => kv.Key))
        {
            map[$"{op}/{outcome}"] = n;
        }

        var wakeMap = new JsonObject();
        foreach (var (key, n) in wakes.Counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            wakeMap[key] = n;
        }

        var doc = new JsonObject
        {
            ["pid"] = Environment.ProcessId,
            ["final"] = final,
            ["counts"] = map,
            ["published"] = new JsonArray([.. wakes.Published.Order(StringComparer.Ordinal).Select(n => (JsonNode)n)]),
            ["wakes"] = wakeMap,
        };
        var temp = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(temp, doc.ToJsonString());
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The counts last written to <paramref name="path"/>; null when the file does not exist yet.</summary>
    public static (RequestCounts Counts, bool Final)? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var counts = new Dictionary<(StoreOperation, StoreOutcome), long>();
        foreach (var p in doc.RootElement.GetProperty("counts").EnumerateObject())
        {
            var parts = p.Name.Split('/');
            if (parts.Length == 2 && Enum.TryParse<StoreOperation>(parts[0], out var op) && Enum.TryParse<StoreOutcome>(parts[1], out var outcome))
            {
                counts[(op, outcome)] = p.Value.GetInt64();
            }
        }

        return (new RequestCounts(counts), doc.RootElement.GetProperty("final").GetBoolean());
    }

    /// <summary>The wake-path counters last written to <paramref name="path"/>; empty when the file does not exist yet or has none.</summary>
    public static WakeCounts ReadWakes(string path)
    {
        if (!File.Exists(path))
        {
            return WakeCounts.Empty;
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var published = new HashSet<string>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("wakes", out var wakes))
        {
            foreach (var p in wakes.EnumerateObject())
            {
                counts[p.Name] = p.Value.GetInt64();
            }
        }

        if (doc.RootElement.TryGetProperty("published", out var names))
        {
            foreach (var n in names.EnumerateArray())
            {
                published.Add(n.GetString() ?? "");
            }
        }

        return new WakeCounts(counts, published);
    }

    /// <summary><paramref name="later"/> minus <paramref name="earlier"/>, per operation and outcome.</summary>
    public static RequestCounts Minus(RequestCounts later, RequestCounts earlier)
    {
        ArgumentNullException.ThrowIfNull(later);
        ArgumentNullException.ThrowIfNull(earlier);
        var result = new Dictionary<(StoreOperation, StoreOutcome), long>();
        foreach (var key in later.ByOutcome.Keys.Union(earlier.ByOutcome.Keys))
        {
            result[key] = later[key.Operation, key.Outcome] - earlier[key.Operation, key.Outcome];
        }

        return new RequestCounts(result);
    }

    /// <summary>The sum of several snapshots.</summary>
    public static RequestCounts Sum(IEnumerable<RequestCounts> all)
    {
        ArgumentNullException.ThrowIfNull(all);
        var result = new Dictionary<(StoreOperation, StoreOutcome), long>();
        foreach (var c in all)
        {
            foreach (var (key, n) in c.ByOutcome)
            {
                result[key] = result.GetValueOrDefault(key) + n;
            }
        }

        return new RequestCounts(result);
    }

    public static RequestCounts Empty { get; } = new(new Dictionary<(StoreOperation, StoreOutcome), long>());
}
