using System.Globalization;
using System.Text.Json.Nodes;

namespace Buquet.Host.Bench;

/// <summary>The JSON report and the human table of <c>buquet bench store</c>.</summary>
internal static class StoreBenchReport
{
    public static JsonObject ToJson(string storeDescription, StoreBenchSettings settings, IReadOnlyList<StorePhaseResult> phases, S3Prices prices)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(prices);
        var ceiling = StoreBenchmark.Ceiling(phases);
        return new JsonObject
        {
            ["benchmark"] = "store",
            ["store"] = storeDescription,
            ["machine"] = MachineInfo.ToJson(),
            ["settings"] = new JsonObject
            {
                ["concurrency"] = settings.Concurrency,
                ["duration_seconds"] = settings.Operations is null ? settings.Duration.TotalSeconds : null,
                ["ops_per_phase"] = settings.Operations,
                ["body_bytes"] = settings.BodyBytes,
                ["list_page_size"] = settings.ListPageSize,
            },
            ["phases"] = new JsonArray([.. phases.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name,
                ["request"] = p.Request,
                ["ops"] = p.Operations,
                ["precondition_failed"] = p.PreconditionFailed,
                ["errors"] = p.Errors,
                ["seconds"] = Math.Round(p.Elapsed.TotalSeconds, 3),
                ["ops_per_second"] = Math.Round(p.PerSecond, 1),
                ["latency_ms"] = p.Latency.ToJson(),
                ["requests_counted"] = p.Counted.ToJson(0),
            })]),
            ["ceiling"] = ceiling.ToJson(),
            ["implied_tasks_per_second"] = new JsonObject
            {
                ["buquet_happy_path_10_requests"] = Round(CostModel.ImpliedTasksPerSecond(BuquetReference.HappyPathPerTask, ceiling)),
            },
            ["prices"] = prices.ToJson(),
        };
    }

    public static IEnumerable<string> Table(string storeDescription, StoreBenchSettings settings, IReadOnlyList<StorePhaseResult> phases)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(phases);
        yield return $"Store ceiling: {storeDescription}, concurrency {settings.Concurrency}, " +
            (settings.Operations is { } ops ? $"{ops} requests per phase" : $"{settings.Duration.TotalSeconds:0.#} s per phase");
        yield return $"Machine: {MachineInfo.Describe()}";
        yield return "";
        yield return string.Format(CultureInfo.InvariantCulture, "{0,-8} {1,-24} {2,9} {3,10} {4,22} {5,7} {6,7}", "phase", "request", "ops", "ops/s", "latency p50/p95/p99 ms", "412", "errors");
        foreach (var p in phases)
        {
            yield return string.Format(CultureInfo.InvariantCulture, "{0,-8} {1,-24} {2,9} {3,10:0.0} {4,22} {5,7} {6,7}",
                p.Name, p.Request, p.Operations, p.PerSecond, p.Latency.Short(), p.PreconditionFailed, p.Errors);
        }

        var ceiling = StoreBenchmark.Ceiling(phases);
        if (CostModel.ImpliedTasksPerSecond(BuquetReference.HappyPathPerTask, ceiling) is { } implied)
        {
            yield return "";
            yield return string.Format(CultureInfo.InvariantCulture,
                "Implied ceiling for buquet's 10-request happy path (5 PUT, 3 GET, 2 DELETE): {0:0.0} tasks/s", implied);
        }
    }

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 1) : null;
}
