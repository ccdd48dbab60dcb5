using System.Globalization;
using System.Text.Json.Nodes;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Host.Bench;

/// <summary>The JSON report and the human table of <c>buquet bench</c> (queue and idle modes).</summary>
internal static class QueueBenchReport
{
    public static JsonObject ToJson(string storeDescription, QueueBenchSettings s, QueueRunResult? run, IdleResult? idle, StoreCeiling? ceiling, S3Prices prices, HistoryResult? history = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(prices);
        var report = new JsonObject
        {
            ["benchmark"] = idle is null ? "queue" : "idle",
            ["store"] = storeDescription,
            ["machine"] = MachineInfo.ToJson(),
            ["settings"] = new JsonObject
            {
                ["workers"] = s.Workers,
                ["concurrency"] = s.Concurrency,
                ["tasks"] = idle is null ? s.Tasks : 1,
                ["handler"] = s.Handler,
                ["sleep_ms"] = s.Handler == QueueBenchSettings.Sleep ? s.SleepMs : null,
                ["producers"] = s.Producers,
                ["rate_per_second"] = s.Rate > 0 ? s.Rate : null,
                ["idle_seconds"] = idle?.Duration.TotalSeconds,
                ["history"] = s.History,
            },
            ["history"] = history?.ToJson(),
            ["prices"] = prices.ToJson(),
            ["ceiling"] = ceiling?.ToJson(),
        };
        if (run is not null)
        {
            report["run"] = RunJson(run, ceiling, prices);
        }

        if (idle is not null)
        {
            var perMinute = idle.PerWorkerMinute;
            report["idle"] = new JsonObject
            {
                ["seconds"] = idle.Duration.TotalSeconds,
                ["requests_per_worker_minute"] = perMinute.ToJson(2),
                ["dollars_per_worker_month"] = Math.Round(CostModel.MonthlyIdleDollars(perMinute, 1, prices), 3),
                ["dollars_per_month_10_workers"] = Math.Round(CostModel.MonthlyIdleDollars(perMinute, 10, prices), 2),
                ["fleet_workers"] = idle.Workers,
                ["dollars_per_month_fleet"] = Math.Round(CostModel.MonthlyIdleDollars(perMinute, idle.Workers, prices), 2),
                ["workers"] = WorkersJson(idle.Samples),
                ["first_task"] = RunJson(idle.FirstTask, ceiling, prices),
                ["pickups"] = PickupsJson(idle.Pickups),
            };
        }

        report["buquet"] = BuquetReference.ToJson(prices, 10);
        return report;
    }

    private static JsonObject PickupsJson(IReadOnlyList<QueueRunResult> runs)
    {
        var ms = runs.SelectMany(r => r.Tasks).Where(t => t.PickupMs is not null).Select(t => t.PickupMs!.Value).ToList();
        return new JsonObject
        {
            ["tasks"] = runs.Sum(r => r.Submitted),
            ["completed"] = runs.Sum(r => r.Completed),
            ["pickup_ms"] = new JsonArray([.. ms.Select(m => (JsonNode)Math.Round(m, 1))]),
            ["pickup"] = LatencySummary.Of(ms).ToJson(),
        };
    }

    private static JsonObject RunJson(QueueRunResult run, StoreCeiling? ceiling, S3Prices prices)
    {
        var perTask = run.PerCompletedTask;
        var implied = ceiling is null ? null : CostModel.ImpliedTasksPerSecond(perTask, ceiling);
        var all = CountsFile.Sum([run.ProducerCounts, run.WorkerCounts]);
        return new JsonObject
        {
            ["tasks"] = new JsonObject
            {
                ["submitted"] = run.Submitted,
                ["completed"] = run.Completed,
                ["failed"] = run.Tasks.Count(t => t.Status == BuquetTaskStatus.Failed),
                ["unfinished"] = run.Submitted - run.Tasks.Count(t => t.Finished is not null),
            },
            ["throughput_tasks_per_second"] = Math.Round(run.Throughput, 2),
            ["wall_seconds"] = Math.Round(run.WallTime.TotalSeconds, 3),
            ["latency_clock"] = run.Tasks.All(t => t.FromVersions) ? "store: last-modified of the task object's versions" : "store clock of each writer: created_at / completed_at (no versions: pickup unknown)",
            ["latency_resolution_ms"] = WholeSeconds(run.Tasks) ? 1000 : 1,
            ["latency_ms"] = new JsonObject
            {
                ["submit"] = run.SubmitLatency.ToJson(),
                ["pickup"] = LatencySummary.Of(run.Tasks.Where(t => t.PickupMs is not null).Select(t => t.PickupMs!.Value)).ToJson(),
                ["end_to_end"] = LatencySummary.Of(run.Tasks.Where(t => t.EndToEndMs is not null).Select(t => t.EndToEndMs!.Value)).ToJson(),
            },
            ["requests"] = new JsonObject
            {
                ["per_completed_task"] = perTask.ToJson(2),
                ["total"] = RequestMix.From(all).ToJson(0),
                ["producer"] = RequestMix.From(run.ProducerCounts).ToJson(0),
                ["workers"] = RequestMix.From(run.WorkerCounts).ToJson(0),
                ["claim_conflicts"] = run.WorkerCounts[StoreOperation.Put, StoreOutcome.PreconditionFailed],
                ["errors"] = all[StoreOperation.Get, StoreOutcome.Error] + all[StoreOperation.Put, StoreOutcome.Error] + all[StoreOperation.List, StoreOutcome.Error]
                    + all[StoreOperation.Delete, StoreOutcome.Error] + all[StoreOperation.Head, StoreOutcome.Error],
            },
            ["dollars_per_million_tasks"] = Math.Round(CostModel.DollarsPerMillionTasks(perTask, prices), 2),
            ["implied_ceiling_tasks_per_second"] = implied is { } x ? Math.Round(x, 1) : null,
            ["ratio_to_ceiling"] = implied is { } y && y > 0 ? Math.Round(run.Throughput / y, 3) : null,
            ["worker_cpu_ms_per_completed_task"] = run.Completed > 0 ? Math.Round(run.Workers.Sum(w => w.CpuSeconds) * 1000 / run.Completed, 2) : null,
            ["workers"] = WorkersJson(run.Workers),
        };
    }

    /// <summary>True when the store stamps whole seconds (moto's version listing): pickup and end-to-end are then ±1 s.</summary>
    private static bool WholeSeconds(IReadOnlyList<TaskTimings> tasks) =>
        tasks.Count > 0 && tasks.All(t => t.Submitted.Millisecond == 0 && (t.Claimed?.Millisecond ?? 0) == 0 && (t.Finished?.Millisecond ?? 0) == 0);

    /// <summary>Each worker process: id, pid, RSS (and peak) in MB, CPU seconds.</summary>
    internal static JsonArray WorkersJson(IReadOnlyList<WorkerSample> samples) =>
        new([.. samples.Select(w => (JsonNode)new JsonObject
        {
            ["id"] = w.Id,
            ["pid"] = w.Pid,
            ["rss_mb"] = Math.Round(w.RssMb, 1),
            ["peak_rss_mb"] = Math.Round(w.PeakRssMb, 1),
            ["cpu_seconds"] = Math.Round(w.CpuSeconds, 2),
        })]);

    public static IEnumerable<string> Table(JsonObject report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var settings = report["settings"]!;
        yield return string.Create(c, $"Queue benchmark ({report["benchmark"]}): {report["store"]}; {settings["workers"]} worker process(es) x concurrency {settings["concurrency"]}, {settings["tasks"]} task(s) of {settings["handler"]}");
        yield return "Machine: " + MachineInfo.Describe();
        if (report["history"] is JsonObject history)
        {
            yield return string.Create(c, $"History: {history["tasks"]} processed task(s) written before the run in {history["seconds"]} s ({history["tasks_per_second"]} tasks/s)");
        }
        if (report["idle"] is JsonObject idle)
        {
            var m = idle["requests_per_worker_minute"]!;
            yield return string.Create(c, $"Idle {idle["seconds"]} s: {m["total"]} requests per worker-minute (GET {m["get"]}, PUT {m["put"]}, LIST {m["list"]}, DELETE {m["delete"]}, HEAD {m["head"]})");
            yield return string.Create(c, $"Idle cost: ${idle["dollars_per_worker_month"]} per worker-month; ${idle["dollars_per_month_fleet"]} per month for this fleet of {idle["fleet_workers"]}; ${idle["dollars_per_month_10_workers"]} per month for 10 workers");
            var p = idle["pickups"]!;
            yield return string.Create(c, $"Pickup after idle, {p["tasks"]} task(s): {string.Join(", ", p["pickup_ms"]!.AsArray().Select(x => x!.ToString()))} ms; p50 {p["pickup"]!["p50"]} ms");
            foreach (var line in RunLines((JsonObject)idle["first_task"]!, "First task after idle"))
            {
                yield return line;
            }

            foreach (var w in idle["workers"]!.AsArray())
            {
                yield return string.Create(c, $"  idle worker {w!["id"]}: RSS {w["rss_mb"]} MB (peak {w["peak_rss_mb"]} MB), CPU {w["cpu_seconds"]} s");
            }
        }

        if (report["run"] is JsonObject run)
        {
            foreach (var line in RunLines(run, "Run"))
            {
                yield return line;
            }
        }
    }

    private static IEnumerable<string> RunLines(JsonObject run, string title)
    {
        var c = CultureInfo.InvariantCulture;
        var tasks = run["tasks"]!;
        var lat = run["latency_ms"]!;
        var req = run["requests"]!;
        var per = req["per_completed_task"]!;
        string L(string name) => string.Create(c, $"{lat[name]!["p50"]} / {lat[name]!["p95"]} / {lat[name]!["p99"]}");
        yield return string.Create(c, $"{title}: {tasks["completed"]}/{tasks["submitted"]} completed, {tasks["failed"]} failed, {tasks["unfinished"]} unfinished; wall {run["wall_seconds"]} s");
        yield return string.Create(c, $"  throughput            {run["throughput_tasks_per_second"]} tasks/s (ceiling implied by requests/task: {run["implied_ceiling_tasks_per_second"]?.ToString() ?? "n/a"}, ratio {run["ratio_to_ceiling"]?.ToString() ?? "n/a"})");
        yield return $"  latency p50/p95/p99 ms  submit {L("submit")} | pickup {L("pickup")} | end-to-end {L("end_to_end")}";
        yield return string.Create(c, $"  requests per task     {per["total"]} (GET {per["get"]}, PUT {per["put"]}, LIST {per["list"]}, DELETE {per["delete"]}, HEAD {per["head"]}; PUT-class {per["put_class"]})");
        yield return string.Create(c, $"  cost                  ${run["dollars_per_million_tasks"]} per million tasks; claim conflicts {req["claim_conflicts"]}; store errors {req["errors"]}");
        yield return string.Create(c, $"  worker CPU            {run["worker_cpu_ms_per_completed_task"]?.ToString() ?? "n/a"} ms per completed task (all worker processes, during the run)");
        foreach (var w in run["workers"]!.AsArray())
        {
            yield return string.Create(c, $"  worker {w!["id"]} (pid {w["pid"]}): RSS {w["rss_mb"]} MB (peak {w["peak_rss_mb"]} MB), CPU {w["cpu_seconds"]} s");
        }
    }
}
