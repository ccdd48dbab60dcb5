using Buquet.Actors.Storage;
using Xunit.Abstractions;

namespace Buquet.Actors.Tests.Worker.Idle;

/// <summary>
/// A fleet of 10 whole workers (default options) idle on an empty in-memory bucket, in virtual time: what the
/// background actors (heartbeat, shard leases, monitor, sweeper, scheduler) cost per worker-minute, by key root.
/// </summary>
public sealed class WorkerIdleCostTests(ITestOutputHelper output)
{
    private const int Workers = 10;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(20);

    private static async Task<IdleWorkerHarness> IdleFleetAsync()
    {
        var h = new IdleWorkerHarness();
        for (var i = 0; i < Workers; i++)
        {
            h.StartWorker($"worker-{i:00}", 11 + i);
        }

        await h.RunAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5));
        foreach (var r in h.Runtimes)
        {
            r.Activity.SetIdle(true); // what the poller signals after its idle threshold
        }

        await h.RunAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(5));
        h.Store.Reset();
        await h.RunAsync(Window, TimeSpan.FromSeconds(5));
        return h;
    }

    private static double PerWorkerMinute(long count) => count / (Workers * Window.TotalMinutes);

    [Fact]
    public async Task Fleet_TenIdleWorkers_BackgroundActorsWithinBudgetPerWorkerMinute()
    {
        await using var h = await IdleFleetAsync();
        var s = h.Store;
        output.WriteLine(s.Describe());

        // Heartbeats: one PUT per 50 s.
        Assert.InRange(PerWorkerMinute(s.Count(StoreOperation.Put, "workers")), 1.0, 1.25);

        // Shard leases released while idle: no lease traffic; a census (LIST workers/) every 10 minutes.
        Assert.Equal(0, s.PutClass("shard-leases") + s.GetClass("shard-leases"));
        Assert.InRange(PerWorkerMinute(s.Count(StoreOperation.List, "workers")), 0.05, 0.15);

        // Monitor: one LIST of leases/ per check, interval × 10 while idle: the fleet scans about every 30 s.
        Assert.InRange(PerWorkerMinute(s.Count(StoreOperation.List, "leases")), 0.1, 0.3);

        // Sweeper: three whole-prefix LISTs per pass, interval 300 s × 10.
        Assert.True(PerWorkerMinute(s.Count(StoreOperation.List, "tasks")) <= 0.05, s.Describe());

        // Scheduler: only the leader writes (renewal) and lists schedules; standbys read the lease every 5 minutes.
        Assert.True(PerWorkerMinute(s.PutClass("leader") + s.PutClass("schedules")) <= 0.35, s.Describe());
        Assert.True(PerWorkerMinute(s.GetClass("leader")) <= 0.6, s.Describe());

        // Everything but the poller (ready/, and the clock probes its polls cause): ≤ 2 PUT/LIST-class per worker-minute,
        // about $0.43 per worker-month at AWS list prices.
        var mine = s.PutClass() - s.PutClass("ready") - s.PutClass("clock");
        Assert.True(PerWorkerMinute(mine) <= 2.0, $"{PerWorkerMinute(mine):0.00} per worker-minute: {s.Describe()}");
    }
}
