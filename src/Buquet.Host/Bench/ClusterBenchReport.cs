using System.Globalization;
using System.Text.Json.Nodes;

namespace Buquet.Host.Bench;

/// <summary>The JSON report and the human table of <c>buquet bench --cluster</c>: cluster off and on side by side, and the targets.</summary>
internal static class ClusterBenchReport
{
    private static readonly string[] WakePaths = ["push", "hint"];
    private static readonly string[] PickupPaths = ["push", "hint", "poll"];

    public static JsonObject ToJson(string storeDescription, ClusterBenchSettings s, ClusterSideResult off, ClusterSideResult on, S3Prices prices)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(prices);
        return new JsonObject
        {
            ["benchmark"] = "cluster",
            ["store"] = storeDescription,
            ["machine"] = MachineInfo.ToJson(),
            ["settings"] = new JsonObject
            {
                ["workers"] = s.Workers,
                ["concurrency"] = s.Concurrency,
                ["settle_seconds"] = s.Settle.TotalSeconds,
                ["idle_seconds"] = s.Idle.TotalSeconds,
                ["pickups"] = s.Pickups,
                ["pickup_gap_seconds"] = s.PickupGap.TotalSeconds,
                ["rate_per_second"] = s.Rate,
                ["steady_seconds"] = s.Steady.TotalSeconds,
                ["cancels"] = s.Cancels,
                ["pickup_budget_seconds"] = s.PickupBudget.TotalSeconds,
            },
            ["prices"] = prices.ToJson(),
            ["off"] = SideJson(off, prices),
            ["on"] = SideJson(on, prices),
            ["targets"] = new JsonArray([.. ClusterTargets.Check(off, on).Select(t => (JsonNode)new JsonObject
            {
                ["name"] = t.Name,
                ["target"] = t.Target,
                ["value"] = t.Value,
                ["met"] = t.Met,
            })]),
        };
    }

    private static JsonObject SideJson(ClusterSideResult side, S3Prices prices)
    {
        var perMinute = side.IdlePerWorkerMinute;
        var steady = side.Steady;
        return new JsonObject
        {
            ["cluster"] = side.Cluster,
            ["members"] = side.Members,
            ["idle"] = new JsonObject
            {
                ["seconds"] = side.IdleDuration.TotalSeconds,
                ["requests_per_worker_minute"] = perMinute.ToJson(2),
                ["dollars_per_worker_month"] = Math.Round(CostModel.MonthlyIdleDollars(perMinute, 1, prices), 3),
                ["rss_mb_mean"] = Math.Round(side.IdleRssMb, 1),
                ["cpu_percent_mean"] = Math.Round(side.IdleCpuPercent, 2),
                ["cpu_percent_max"] = Math.Round(side.IdleCpuPercentMax, 2),
                ["workers"] = new JsonArray([.. side.IdleSamples.Select((w, i) => (JsonNode)new JsonObject
                {
                    ["id"] = w.Id,
                    ["rss_mb"] = Math.Round(w.RssMb, 1),
                    ["cpu_seconds"] = Math.Round(w.CpuSeconds, 2),
                    ["requests_per_minute"] = i < side.IdleWorkerCounts.Count ? side.IdlePerMinuteOf(i).ToJson(2) : null,
                })]),
            },
            ["idle_pickup"] = new JsonObject
            {
                ["submitted"] = side.PickupsSubmitted,
                ["pickup_ms"] = new JsonArray([.. side.PickupMs.Select(m => (JsonNode)Math.Round(m, 1))]),
                ["latency_ms"] = side.Pickup.ToJson(),
                ["wakes"] = side.PickupWakes.ToJson(),
            },
            ["steady"] = new JsonObject
            {
                ["submitted"] = steady.Submitted,
                ["completed"] = steady.Completed,
                ["wall_seconds"] = Math.Round(steady.WallTime.TotalSeconds, 2),
                ["pickup_ms"] = side.SteadyPickup.ToJson(),
                ["requests_per_task"] = steady.PerCompletedTask.ToJson(3),
                ["dollars_per_million_tasks"] = Math.Round(CostModel.DollarsPerMillionTasks(steady.PerCompletedTask, prices), 2),
                ["worker_cpu_ms_per_task"] = steady.WorkerCpuMsPerTask is { } cpu ? Math.Round(cpu, 2) : null,
                ["wakes"] = steady.Wakes.ToJson(),
                ["workers"] = QueueBenchReport.WorkersJson(steady.Workers),
            },
            ["cancel"] = new JsonObject
            {
                ["requested"] = side.CancelsRequested,
                ["observed"] = side.CancelMs.Count,
                ["latency_ms"] = side.Cancel.ToJson(),
            },
        };
    }

    public static IEnumerable<string> Table(JsonObject report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var s = report["settings"]!;
        yield return string.Create(c, $"Clustered fleet benchmark: {report["store"]}; {s["workers"]} worker process(es) x concurrency {s["concurrency"]}; cluster off, then on (loopback), same run");
        yield return string.Create(c, $"Phases per side: settle {s["settle_seconds"]} s, idle {s["idle_seconds"]} s, {s["pickups"]} idle pickup(s) {s["pickup_gap_seconds"]} s apart, {s["rate_per_second"]} tasks/s for {s["steady_seconds"]} s, {s["cancels"]} cancel(s); pickup budget {s["pickup_budget_seconds"]} s");
        yield return "Machine: " + MachineInfo.Describe();
        var off = report["off"]!;
        var on = report["on"]!;
        string Row(string label, Func<JsonNode, string> value) => string.Create(c, $"  {label,-40} {value(off),-34} {value(on)}");
        string Lat(JsonNode? l) => l is null || (int)l["count"]! == 0 ? "n/a" : string.Create(c, $"{(double)l["p50"]!:0.0} / {(double)l["p95"]!:0.0} / {(double)l["p99"]!:0.0} (n={l["count"]})");
        yield return string.Create(c, $"  {"",-40} {"cluster off",-34} cluster on");
        yield return Row("cluster members Up (bench included)", x => x["members"]!.ToString());
        yield return Row("idle S3 requests / worker-minute", x => x["idle"]!["requests_per_worker_minute"]!["total"]!.ToString());
        yield return Row("  LIST / HEAD / GET / PUT", x =>
        {
            var m = x["idle"]!["requests_per_worker_minute"]!;
            return string.Create(c, $"{m["list"]} / {m["head"]} / {m["get"]} / {m["put"]}");
        });
        yield return Row("idle RSS per process (MB, mean)", x => x["idle"]!["rss_mb_mean"]!.ToString());
        yield return Row("idle CPU per process (% core, mean/max)", x => string.Create(c, $"{x["idle"]!["cpu_percent_mean"]} / {x["idle"]!["cpu_percent_max"]}"));
        yield return Row("idle pickup p50/p95/p99 ms", x => Lat(x["idle_pickup"]!["latency_ms"]));
        yield return Row("  wakeups (push, hint)", x => Wakes(x["idle_pickup"]!["wakes"], WakeCounts.Wakeups, WakePaths));
        yield return Row("  pickups (push, hint, poll)", x => Wakes(x["idle_pickup"]!["wakes"], WakeCounts.Pickups, PickupPaths));
        yield return Row("steady tasks completed", x => string.Create(c, $"{x["steady"]!["completed"]}/{x["steady"]!["submitted"]}"));
        yield return Row("steady pickup p50/p95/p99 ms", x => Lat(x["steady"]!["pickup_ms"]));
        yield return Row("steady requests per task", x => x["steady"]!["requests_per_task"]!["total"]!.ToString());
        yield return Row("  LIST / HEAD / GET / PUT / DELETE", x =>
        {
            var m = x["steady"]!["requests_per_task"]!;
            return string.Create(c, $"{m["list"]} / {m["head"]} / {m["get"]} / {m["put"]} / {m["delete"]}");
        });
        yield return Row("steady cost ($ per million tasks)", x => x["steady"]!["dollars_per_million_tasks"]!.ToString());
        yield return Row("steady worker CPU (ms per task)", x => x["steady"]!["worker_cpu_ms_per_task"]?.ToString() ?? "n/a");
        yield return Row("  wakeups (push, hint)", x => Wakes(x["steady"]!["wakes"], WakeCounts.Wakeups, WakePaths));
        yield return Row("  pickups (push, hint, poll)", x => Wakes(x["steady"]!["wakes"], WakeCounts.Pickups, PickupPaths));
        yield return Row("cancel-to-handler p50/p95/p99 ms", x => Lat(x["cancel"]!["latency_ms"]));
        yield return Row("  cancels observed", x => string.Create(c, $"{x["cancel"]!["observed"]}/{x["cancel"]!["requested"]}"));
        yield return "Targets (issue 20, cluster on):";
        foreach (var t in report["targets"]!.AsArray())
        {
            var met = t!["met"] is { } m ? ((bool)m ? "met" : "MISSED") : "not measured";
            yield return string.Create(c, $"  {t["name"],-40} {t["value"],-10} target {t["target"],-30} {met}");
        }
    }

    /// <summary><c>3, 1</c> in the order of <paramref name="paths"/>; <c>n/a</c> when the instrument was not published.</summary>
    internal static string Wakes(JsonNode? wakes, string instrument, IReadOnlyList<string> paths) =>
        wakes?[instrument] is JsonObject counts
            ? string.Join(", ", paths.Select(p => counts[p]?.ToString() ?? "0"))
            : "n/a";
}
