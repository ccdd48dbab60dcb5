using Buquet.Actors.ChaosTests.Proxy;
using Buquet.Actors.Client;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>
/// A worker whose local clock is minutes ahead (BUQUET_DEBUG_LOCAL_CLOCK_OFFSET) must behave like a correct one: every
/// task-state decision uses the store's clock, so it neither takes over a live lease early nor runs a retry before its
/// backoff has passed.
/// </summary>
public sealed class SkewedClockTests
{
    private const int Long = 6;
    private const int Retried = 4;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Worker_LocalClockFiveMinutesAhead_NoEarlyLeaseTakeoverNoEarlyRetry()
    {
        var moto = ProxiedMoto.MotoEndpoint();
        var bucket = await ProxiedMoto.CreateBucketAsync(moto);
        using var direct = await S3ObjectStore.CreateAsync(ProxiedMoto.StoreOptions(moto, bucket));
        var client = new BuquetClient(direct);
        // Both workers poll every shard; the monitor checks leases every second.
        using var fleet = new WorkerFleet(moto.ToString(), bucket, "shard-leasing.enabled = false", "monitor.check-interval = 1s");

        // The correct worker fills its 6 slots with 30 s tasks whose leases (60 s) a clock 5 min ahead would call expired;
        // 30 s keeps it full while the skewed worker starts, however slowly a loaded machine starts a process.
        var honest = fleet.Start("skew-honest", concurrency: Long);
        var longTasks = new List<Guid>();
        for (var i = 0; i < Long; i++)
        {
            longTasks.Add((await client.SubmitAsync("buquet.sleep", new { ms = 30_000 }, new SubmitOptions { Timeout = TimeSpan.FromSeconds(60), MaxRetries = 0 })).Id);
        }

        await fleet.WaitUntilAsync(() => Task.FromResult(fleet.ReadLog().Executions.Count(x => longTasks.Contains(x.TaskId)) == Long), TimeSpan.FromSeconds(60), "the correct worker starting every long task");

        // The skewed worker starts: its monitor looks at those leases, and it takes the failing tasks (the other is full).
        var skewed = fleet.Start("skew-ahead", concurrency: 4, new Dictionary<string, string> { ["BUQUET_DEBUG_LOCAL_CLOCK_OFFSET"] = "+5m" });
        await fleet.WaitUntilAsync(async () => await direct.HeadAsync("workers/skew-ahead.json") is not null, TimeSpan.FromSeconds(60), "the skewed worker registered");
        var retried = new List<Guid>();
        for (var i = 0; i < Retried; i++)
        {
            retried.Add((await client.SubmitAsync("buquet.fail", new { times = 1 }, new SubmitOptions
            {
                MaxRetries = 2,
                RetryPolicy = new RetryPolicy((long)RetryDelay.TotalMilliseconds, (long)RetryDelay.TotalMilliseconds, 1.0, 0),
            })).Id);
        }

        var all = longTasks.Concat(retried).ToList();
        await fleet.WaitUntilAsync(async () => (await FinalStateReaderAll(client, all)).All(s => s == BuquetTaskStatus.Completed), TimeSpan.FromSeconds(90), "every task completed");
        await fleet.StopAllAsync();

        var log = fleet.ReadLog();
        Assert.Contains("BUQUET_DEBUG_LOCAL_CLOCK_OFFSET", skewed.Tail(400), StringComparison.Ordinal);
        Assert.DoesNotContain("lease expired", skewed.Tail(400), StringComparison.Ordinal);
        foreach (var id in longTasks)
        {
            var run = Assert.Single(log.Executions, x => x.TaskId == id);
            Assert.Equal("skew-honest", run.WorkerId);
            Assert.Equal(ExecutionOutcomes.Completed, run.Outcome);
        }

        var skewedRuns = log.Executions.Where(x => x.WorkerId == "skew-ahead").ToList();
        Assert.NotEmpty(skewedRuns);
        Assert.All(skewedRuns, x => Assert.InRange((x.Start.LocalAt!.Value - x.StartedAt).TotalSeconds, 290, 310));
        foreach (var id in retried)
        {
            var runs = log.Executions.Where(x => x.TaskId == id).OrderBy(x => x.Start.Attempt).ToList();
            Assert.Equal(2, runs.Count);
            Assert.Equal(ExecutionOutcomes.Retry, runs[0].Outcome);
            // moto's clock has one-second resolution: allow one second less than the backoff.
            var gap = runs[1].StartedAt - runs[0].EndedAt!.Value;
            Assert.True(gap >= RetryDelay - TimeSpan.FromSeconds(1), $"task {id}: attempt 2 started {gap} after attempt 1 ended, before its {RetryDelay} backoff");
        }

        GC.KeepAlive(honest);
    }

    private static async Task<List<BuquetTaskStatus?>> FinalStateReaderAll(BuquetClient client, List<Guid> ids)
    {
        var states = await History.FinalStateReader.ReadAsync(client, ids);
        return [.. ids.Select(id => states[id].Status)];
    }
}
