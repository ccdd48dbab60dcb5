using System.Text.Json.Nodes;

namespace Buquet.Host.Bench;

/// <summary>Turns measured request mixes into dollars: per million tasks, and per month for an idle fleet.</summary>
internal static class CostModel
{
    /// <summary>Minutes in the 30-day month used for monthly figures.</summary>
    public const double MinutesPerMonth = 30 * 24 * 60;

    /// <summary>Dollars per million tasks when each task costs <paramref name="perTask"/> requests.</summary>
    public static decimal DollarsPerMillionTasks(RequestMix perTask, S3Prices prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        return prices.Cost(perTask.Times(1_000_000));
    }

    /// <summary>Monthly dollars for <paramref name="workers"/> workers each making <paramref name="perWorkerMinute"/> requests a minute.</summary>
    public static decimal MonthlyIdleDollars(RequestMix perWorkerMinute, int workers, S3Prices prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        return prices.Cost(perWorkerMinute.Times(MinutesPerMonth * workers));
    }

    /// <summary>
    /// Aggregate tasks/s the store allows when each task needs <paramref name="perTask"/> requests and the store serves the
    /// measured rates (requests/s of each operation at the same concurrency): 1 / Σ(n_op / rate_op). HEAD uses the GET rate.
    /// Null when a needed rate is unknown or zero.
    /// </summary>
    public static double? ImpliedTasksPerSecond(RequestMix perTask, StoreCeiling ceiling)
    {
        ArgumentNullException.ThrowIfNull(perTask);
        ArgumentNullException.ThrowIfNull(ceiling);
        double seconds = 0;
        foreach (var (count, rate) in new[]
                 {
                     (perTask.Get + perTask.Head, ceiling.GetPerSecond),
                     (perTask.Put, ceiling.PutPerSecond),
                     (perTask.List, ceiling.ListPerSecond),
                     (perTask.Delete, ceiling.DeletePerSecond),
                 })
        {
            if (count <= 0)
            {
                continue;
            }

            if (rate is not > 0)
            {
                return null;
            }

            seconds += count / rate.Value;
        }

        return seconds > 0 ? 1 / seconds : null;
    }

    public static JsonObject CostJson(RequestMix perTask, S3Prices prices) => new()
    {
        ["requests_per_task"] = perTask.ToJson(),
        ["dollars_per_million_tasks"] = Math.Round(DollarsPerMillionTasks(perTask, prices), 2),
    };
}

/// <summary>Measured store rates (requests/s at one concurrency); null where a phase did not run.</summary>
internal sealed record StoreCeiling(double? PutPerSecond, double? GetPerSecond, double? ListPerSecond, double? DeletePerSecond)
{
    public JsonObject ToJson() => new()
    {
        ["put_per_second"] = Round(PutPerSecond),
        ["get_per_second"] = Round(GetPerSecond),
        ["list_per_second"] = Round(ListPerSecond),
        ["delete_per_second"] = Round(DeletePerSecond),
    };

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 1) : null;
}
