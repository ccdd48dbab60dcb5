using System.Text.Json.Nodes;

namespace Buquet.Host.Bench;

/// <summary>
/// buquet's (the Rust/Python reference) figures to compare against: what its docs state and what its code does
/// (protocol notes §3.5, §6.1, §9.2 and §10.5).
/// </summary>
internal static class BuquetReference
{
    /// <summary>Happy path per task from its code: submit 2 PUT; claim 2 GET + 2 PUT + 1 DELETE; complete 1 GET + 1 PUT + 1 DELETE.</summary>
    public static RequestMix HappyPathPerTask { get; } = new(Get: 3, Put: 5, List: 0, Delete: 2, Head: 0);

    /// <summary>Its docs' estimate: "~25 ops per task, ≈ $100 per million tasks".</summary>
    public const double StatedRequestsPerTask = 25;

    /// <summary>Its docs' estimate in dollars per million tasks.</summary>
    public const decimal StatedDollarsPerMillionTasks = 100m;

    /// <summary>Its docs' adaptive-polling figure for a mostly idle worker: ≈ 300 k requests ≈ $0.12 per worker-month.</summary>
    public const decimal StatedIdleDollarsPerWorkerMonth = 0.12m;

    /// <summary>
    /// Requests per idle worker-minute of the default Rust worker (hybrid index mode, adaptive polling settled at its
    /// 5 s maximum = 12 polls a minute): per poll and shard 2 LIST of the ready index (bucket page + oldest-bucket refresh)
    /// + 1 LIST of <c>tasks/{shard}/</c> (log scan) + one GET per listed task (0 when the shard has no task objects, up to
    /// the 50-key page when it has ≥ 50, terminal tasks included); a heartbeat PUT every 10 s; a clock sync (PUT + HEAD of
    /// <c>clock/now</c>) at most every 5 s, i.e. once per poll. The embedded monitor and sweeper are not counted.
    /// </summary>
    /// <param name="shards">Shards polled (16 with the default prefix length 1).</param>
    /// <param name="getsPerShardPoll">Task GETs per shard per poll from the log scan: 0 (empty bucket) .. 50.</param>
    /// <param name="indexOnly">Index-only mode: no log scan (2 LIST per shard per poll, no GET).</param>
    public static RequestMix DefaultIdlePerWorkerMinute(int shards = 16, int getsPerShardPoll = 0, bool indexOnly = false)
    {
        const double pollsPerMinute = 60.0 / 5.0;
        var listsPerShard = indexOnly ? 2 : 3;
        var gets = indexOnly ? 0 : getsPerShardPoll;
        return new RequestMix(
            Get: pollsPerMinute * shards * gets,
            Put: 6 + pollsPerMinute,
            List: pollsPerMinute * shards * listsPerShard,
            Delete: 0,
            Head: pollsPerMinute);
    }

    /// <summary>The reference figures as a JSON object, priced with <paramref name="prices"/>, for a fleet of <paramref name="workers"/>.</summary>
    public static JsonObject ToJson(S3Prices prices, int workers)
    {
        ArgumentNullException.ThrowIfNull(prices);
        JsonObject Idle(string mode, RequestMix perMinute) => new()
        {
            ["mode"] = mode,
            ["requests_per_worker_minute"] = perMinute.ToJson(1),
            ["dollars_per_worker_month"] = Math.Round(CostModel.MonthlyIdleDollars(perMinute, 1, prices), 2),
            [$"dollars_per_month_{workers}_workers"] = Math.Round(CostModel.MonthlyIdleDollars(perMinute, workers, prices), 2),
        };

        return new JsonObject
        {
            ["stated"] = new JsonObject
            {
                ["requests_per_task"] = StatedRequestsPerTask,
                ["dollars_per_million_tasks"] = StatedDollarsPerMillionTasks,
                ["idle_dollars_per_worker_month"] = StatedIdleDollarsPerWorkerMonth,
                ["dispatch_latency"] = "1-5 s; worst-case idle pickup ~5.5 s (adaptive 100 ms..5 s)",
                ["concurrency_per_worker"] = 1,
            },
            ["code_derived_happy_path"] = CostModel.CostJson(HappyPathPerTask, prices),
            ["code_derived_idle"] = new JsonArray(
                Idle("hybrid (default), 16 shards, empty bucket", DefaultIdlePerWorkerMinute()),
                Idle("hybrid (default), 16 shards, >= 50 task objects per shard", DefaultIdlePerWorkerMinute(getsPerShardPoll: 50)),
                Idle("index-only, 16 shards", DefaultIdlePerWorkerMinute(indexOnly: true))),
        };
    }
}
