using Buquet.Actors.Storage;
using Buquet.Host.Bench;

namespace Buquet.Host.Tests.Bench;

public sealed class ClusterBenchReportTests
{
    private static readonly ClusterBenchSettings Settings = new(
        3, 16, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60), 20, TimeSpan.FromSeconds(3), 10, TimeSpan.FromSeconds(20), 20, TimeSpan.FromMinutes(2), "/tmp/unused");

    private static RequestCounts Counts(params (StoreOperation Op, long N)[] counts) =>
        new(counts.ToDictionary(c => (c.Op, StoreOutcome.Ok), c => c.N));

    /// <summary>A side of 3 workers idle 60 s: <paramref name="heads"/> HEADs in all, each process at <paramref name="rss"/> MB and <paramref name="cpuSeconds"/> CPU.</summary>
    private static ClusterSideResult Side(bool cluster, long heads, double rss, double cpuSeconds, double pickupMs, long lists, double cancelMs, WakeCounts? wakes = null)
    {
        var samples = Enumerable.Range(0, 3).Select(i => new WorkerSample($"w{i}", 100 + i, rss, rss, cpuSeconds, null)).ToList();
        var steady = new SteadyResult(200, 200, [.. Enumerable.Repeat(pickupMs / 2, 200)], Counts((StoreOperation.Put, 200)), Counts((StoreOperation.List, lists), (StoreOperation.Put, 600)), samples, wakes ?? WakeCounts.Empty, TimeSpan.FromSeconds(21));
        return new ClusterSideResult(cluster, cluster ? 4 : 0, TimeSpan.FromSeconds(60), [Counts((StoreOperation.Head, heads)), CountsFile.Empty, CountsFile.Empty], samples,
            [.. Enumerable.Range(1, 20).Select(i => pickupMs * i / 20)], 20, wakes ?? WakeCounts.Empty, steady, [.. Enumerable.Repeat(cancelMs, 20)], 20);
    }

    [Fact]
    public void IdleFigures_ThreeWorkersSixtySeconds_PerWorkerMinuteRssAndCpuPercent()
    {
        var side = Side(true, heads: 90, rss: 120, cpuSeconds: 1.2, pickupMs: 40, lists: 40, cancelMs: 30);

        Assert.Equal(30, side.IdlePerWorkerMinute.Head, 6);
        Assert.Equal(90, side.IdlePerMinuteOf(0).Head, 6);
        Assert.Equal(0, side.IdlePerMinuteOf(1).Head, 6);
        Assert.Equal(120, side.IdleRssMb, 6);
        Assert.Equal(2, side.IdleCpuPercent, 6); // 1.2 s of CPU in 60 s
        Assert.Equal(0.2, side.Steady.PerCompletedTask.List, 6);
        Assert.Equal(4, side.Steady.PerCompletedTask.Put, 6);
    }

    [Fact]
    public void Check_ClusterOnWithinEveryTarget_AllMet()
    {
        var off = Side(false, heads: 90, rss: 100, cpuSeconds: 0.3, pickupMs: 2000, lists: 400, cancelMs: 9000);
        var on = Side(true, heads: 90, rss: 120, cpuSeconds: 1.2, pickupMs: 40, lists: 40, cancelMs: 30);

        var checks = ClusterTargets.Check(off, on);

        Assert.Equal(8, checks.Count);
        Assert.All(checks, c => Assert.True(c.Met, c.Name + " " + c.Value));
    }

    [Fact]
    public void Check_ClusterOnOverTargets_EachMissNamed()
    {
        var off = Side(false, heads: 90, rss: 100, cpuSeconds: 0.3, pickupMs: 2000, lists: 400, cancelMs: 9000);
        var on = Side(true, heads: 120, rss: 140, cpuSeconds: 2.4, pickupMs: 300, lists: 200, cancelMs: 1500);

        var missed = ClusterTargets.Check(off, on).Where(c => c.Met == false).Select(c => c.Name).ToList();

        Assert.Equal(
            ["idle pickup p50 (ms)", "idle pickup p95 (ms)", "steady LIST per task", "steady pickup p50 (ms)", "cancel-to-handler p99 (ms)", "idle S3 requests per worker-minute", "idle RSS above cluster off (MB)", "idle CPU per process (% of a core)"],
            missed);
    }

    [Fact]
    public void Check_NoCancelSamples_NotMeasuredRatherThanMet()
    {
        var off = Side(false, heads: 90, rss: 100, cpuSeconds: 0.3, pickupMs: 2000, lists: 400, cancelMs: 9000);
        var on = Side(true, heads: 90, rss: 120, cpuSeconds: 1.2, pickupMs: 40, lists: 40, cancelMs: 30) with { CancelMs = [] };

        var cancel = ClusterTargets.Check(off, on).Single(c => c.Name.StartsWith("cancel", StringComparison.Ordinal));

        Assert.Null(cancel.Met);
        Assert.Equal("not measured", cancel.Verdict);
        Assert.Equal("n/a", cancel.Value);
    }

    [Fact]
    public void Table_PickupsInstrumentAbsent_WakePathsShowNotAvailable()
    {
        var wakes = new WakeCounts(new Dictionary<string, long> { ["buquet.poller.wakeups/push"] = 19, ["buquet.poller.wakeups/hint"] = 1 }, new HashSet<string> { WakeCounts.Wakeups });
        var off = Side(false, heads: 90, rss: 100, cpuSeconds: 0.3, pickupMs: 2000, lists: 400, cancelMs: 9000);
        var on = Side(true, heads: 90, rss: 120, cpuSeconds: 1.2, pickupMs: 40, lists: 40, cancelMs: 30, wakes);

        var lines = ClusterBenchReport.Table(ClusterBenchReport.ToJson("local directory /x", Settings, off, on, S3Prices.AwsStandard)).ToList();

        var wakeups = lines.First(l => l.TrimStart().StartsWith("wakeups (push, hint)", StringComparison.Ordinal));
        Assert.EndsWith("19, 1", wakeups, StringComparison.Ordinal);
        var pickups = lines.First(l => l.TrimStart().StartsWith("pickups (push, hint, poll)", StringComparison.Ordinal));
        Assert.EndsWith("n/a", pickups, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("cluster off", StringComparison.Ordinal) && l.Contains("cluster on", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("idle pickup p50/p95/p99 ms", StringComparison.Ordinal) && l.Contains("20.0 / 38.0 / 40.0 (n=20)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("steady LIST per task", StringComparison.Ordinal) && l.EndsWith("met", StringComparison.Ordinal));
    }

    [Fact]
    public void Wakes_PublishedButNoPath_ZeroFilled()
    {
        var json = new WakeCounts(new Dictionary<string, long> { ["buquet.worker.pickups/hint"] = 2 }, new HashSet<string> { WakeCounts.Pickups }).ToJson();

        Assert.Equal("0, 2, 0", ClusterBenchReport.Wakes(json, WakeCounts.Pickups, ["push", "hint", "poll"]));
        Assert.Equal("n/a", ClusterBenchReport.Wakes(json, WakeCounts.Wakeups, ["push", "hint"]));
    }
}
