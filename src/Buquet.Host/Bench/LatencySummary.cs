using System.Text.Json.Nodes;

namespace Buquet.Host.Bench;

/// <summary>Percentiles of a set of latencies in milliseconds (nearest rank).</summary>
internal sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        return new(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), sorted[^1], sorted.Average());
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Rank(double[] sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0)
        {
            return 0;
        }

        var index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    public JsonObject ToJson() => new()
    {
        ["count"] = Count,
        ["p50"] = Math.Round(P50, 2),
        ["p95"] = Math.Round(P95, 2),
        ["p99"] = Math.Round(P99, 2),
        ["max"] = Math.Round(Max, 2),
        ["mean"] = Math.Round(Mean, 2),
    };

    public string Short() => Count == 0 ? "-" : FormattableString.Invariant($"{P50:0.0}/{P95:0.0}/{P99:0.0}");
}
