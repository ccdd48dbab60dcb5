using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Worker;
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
        foreach (var activity in h.Activities)
        {
            activity.Tell(new WorkerActivity.SetIdle(true)); // what the poller signals after its idle threshold
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

        // Shard leases released while idle: no lease traffic. The fleet size comes from the poller's census.
        Assert.Equal(0, s.PutClass("shard-leases") + s.GetClass("shard-leases"));

        // Monitor: one LIST of leases/ per check, interval × 10 while idle: the fleet scans about every 30 s.
        Assert.InRange(PerWorkerMinute(s.Count(StoreOperation.List, "leases")), 0.1, 0.3);

        // Sweeper: three whole-prefix LISTs per pass, interval 300 s × 10.
        Assert.True(PerWorkerMinute(s.Count(StoreOperation.List, "tasks")) <= 0.05, s.Describe());

        // Scheduler: only the leader writes (renewal) and lists schedules; standbys read the lease every 5 minutes.
        Assert.True(PerWorkerMinute(s.PutClass("leader") + s.PutClass("schedules")) <= 0.35, s.Describe());
        Assert.True(PerWorkerMinute(s.GetClass("leader")) <= 0.6, s.Describe());

        // Poller: the fleet takes turns at the full discovery LIST (one per 2 minutes for all ten; the sweeper's ready/
        // LIST, one per pass, aside).
        Assert.True(PerWorkerMinute(s.Count(StoreOperation.List, "ready") - s.Count(StoreOperation.List, "tasks")) <= 0.07, s.Describe());

        // Everything but the poller (ready/, hints/, its census LIST of workers/): ≤ 1.7 PUT/LIST-class per worker-minute.
        var mine = s.PutClass() - s.PutClass("ready") - s.Count(StoreOperation.List, "workers");
        Assert.True(PerWorkerMinute(mine) <= 1.7, $"{PerWorkerMinute(mine):0.00} per worker-minute: {s.Describe()}");

        // The whole worker, poller included: issue 8 allows $5 a month for 10 workers: ≈ 1.75 PUT/LIST-class per
        // worker-minute next to the fleet's hint HEADs (about one per second); see docs/benchmarks.md.
        var dollars = ((s.PutClass() * 0.005) + (s.GetClass() * 0.0004)) / 1000 / Window.TotalMinutes * 43_200;
        output.WriteLine($"PUT-class {PerWorkerMinute(s.PutClass()):0.000} per worker-minute; ${dollars:0.00} per month for the fleet of {Workers}");
        Assert.True(PerWorkerMinute(s.PutClass()) <= 1.75, $"{PerWorkerMinute(s.PutClass()):0.00} per worker-minute: {s.Describe()}");
    }
}
