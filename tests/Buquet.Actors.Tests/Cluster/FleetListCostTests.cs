using Buquet.Actors.Client;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Worker.Idle;
using Xunit.Abstractions;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// The LIST target for a clustered fleet (issue 20, ADR 0027): three whole workers (default options) and a
/// member producer submitting 10 tasks a second, in virtual time on one in-memory bucket counted by key root. Pushed
/// keys are claimed without a LIST and the producer's hint touches, announced, cost idle workers one look each, so the
/// ready index is listed at most 0.3 times per task (a push that made its receiver poll listed at least once per task).
/// </summary>
public sealed class FleetListCostTests(ITestOutputHelper output)
{
    private const int Workers = 3;
    private const int Tasks = 300; // 30 s at 10 a second

    [Fact]
    public async Task MemberProducer_TenTasksASecond_AtMostPointThreeListsPerTask()
    {
        await using var h = new IdleWorkerHarness();
        var fleet = new LoopbackFleet();
        for (var i = 0; i < Workers; i++)
        {
            h.StartWorker($"worker-{i}", 31 + i, fleet);
            fleet.Join(h.Supervisors[^1]);
        }

        await h.RunAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1)); // the fleet goes idle
        var producer = new BuquetClient(h.Store, new BuquetClientOptions(), null, h.Time, null, fleet);
        h.Store.Reset();

        var ids = new List<Guid>();
        for (var i = 0; i < Tasks; i++)
        {
            ids.Add((await producer.SubmitAsync("buquet.echo", new { i })).Id);
            await h.RunAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        }

        await h.RunAsync(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
        var lists = h.Store.Count(StoreOperation.List, "ready");
        var pickups = h.Runtimes.Select(r => r.Pickups.Snapshot()).ToList();
        output.WriteLine($"{lists} ready LISTs for {Tasks} tasks = {(double)lists / Tasks:0.000} per task; relays {fleet.Relays}; pickups push {pickups.Sum(p => p.Push)}, hint {pickups.Sum(p => p.Hint)}, poll {pickups.Sum(p => p.Poll)}; {h.Store.Describe()}");
        foreach (var id in ids)
        {
            Assert.Equal(Buquet.Actors.Protocol.BuquetTaskStatus.Completed, (await producer.GetAsync(id))!.Status);
        }

        Assert.True((double)lists / Tasks <= 0.3, $"{lists} ready LISTs for {Tasks} tasks");
        Assert.Equal(Tasks, pickups.Sum(p => p.Total));
    }
}
