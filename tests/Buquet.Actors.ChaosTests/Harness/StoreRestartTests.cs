using Buquet.Actors.ChaosTests.History;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Xunit.Abstractions;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>
/// The S3 server restarts mid-run (a private Ceph RGW whose radosgw daemon is stopped and started again; the data lives
/// in the OSD): workers and the producer ride out the outage, and the history checker finds nothing lost, stuck or
/// overlapping.
/// </summary>
public sealed class StoreRestartTests(ITestOutputHelper output)
{
    private const int Tasks = 120;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Rgw_RestartedMidRun_NoTaskLostStuckOrOverlapping()
    {
        using var rgw = await RgwInstance.StartAsync();
        var bucket = await rgw.CreateBucketAsync();
        using var direct = await S3ObjectStore.CreateAsync(rgw.StoreOptions(bucket));
        var client = new BuquetClient(direct);
        using var fleet = new WorkerFleet(rgw.Endpoint.ToString(), bucket,
            $"lease-ttl = 10s\nshard-leasing {{ lease-ttl = 6s, renewal-interval = 2s }}",
            "store.s3.allow-no-versioning = true\nmonitor.check-interval = 2s", rgw.AccessKey, rgw.SecretKey);
        var workers = new[] { fleet.Start("restart-w0"), fleet.Start("restart-w1") };

        var plan = new List<PlannedTask>();
        var submitted = SubmitAsync(client, plan);
        List<Guid> ids()
        {
            lock (plan)
            {
                return [.. plan.Select(p => p.Id)];
            }
        }

        await fleet.WaitUntilAsync(async () => (await TerminalAsync(client, ids())) >= 30, TimeSpan.FromSeconds(90), "30 tasks done before the restart");
        var downtime = await rgw.RestartGatewayAsync(TimeSpan.FromSeconds(5));
        output.WriteLine($"radosgw restarted; down for {downtime.TotalSeconds:0.0} s");
        await submitted;
        await fleet.WaitUntilAsync(async () => (await TerminalAsync(client, ids())) == Tasks, TimeSpan.FromSeconds(120), "every task terminal after the restart");
        Assert.All(workers, w => Assert.False(w.HasExited, $"{w.WorkerId} exited:\n{w.Tail()}"));
        await fleet.StopAllAsync();
        foreach (var w in workers)
        {
            output.WriteLine($"{w.WorkerId}: {w.Tail(2000).Split('\n').Count(l => l.Contains("unavailable", StringComparison.OrdinalIgnoreCase))} log lines about the store being unavailable");
        }

        var report = HistoryChecker.Check(plan, await FinalStateReader.ReadAsync(client, ids()), fleet.ReadLog(), new HistoryCheckOptions
        {
            LeaseTtl = Timeout,
            CheckedAt = await client.GetStoreTimeAsync(),
            RequireExecutionForCompleted = true,
        });
        output.WriteLine(report.ToMarkdown($"RGW restart mid-run: {Tasks} tasks, 2 workers, radosgw down {downtime.TotalSeconds:0.0} s"));
        Assert.True(report.Passed, string.Join("\n", report.Violations));
        Assert.Equal(Tasks, report.FinalStates.GetValueOrDefault("completed"));
    }

    private static async Task SubmitAsync(BuquetClient client, List<PlannedTask> plan)
    {
        for (var i = 0; i < Tasks; i++)
        {
            var options = new SubmitOptions { Timeout = Timeout, MaxRetries = 3, IdempotencyKey = $"restart-{i}" };
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var task = await client.SubmitAsync("buquet.sleep", new { ms = 100 + (i % 5) * 50 }, options);
                    lock (plan)
                    {
                        plan.Add(PlannedTask.MustComplete(task.Id, "buquet.sleep"));
                    }

                    break;
                }
                catch (ObjectStoreUnavailableException) when (attempt < 100)
                {
                    // The gateway is down: the submit did not land or its answer was lost; the idempotency key makes the retry safe.
                    await Task.Delay(TimeSpan.FromMilliseconds(250));
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(150));
        }
    }

    private static async Task<int> TerminalAsync(BuquetClient client, List<Guid> ids)
    {
        var states = await FinalStateReader.ReadAsync(client, ids);
        return states.Values.Count(s => s.Status is BuquetTaskStatus.Completed or BuquetTaskStatus.Failed);
    }
}
