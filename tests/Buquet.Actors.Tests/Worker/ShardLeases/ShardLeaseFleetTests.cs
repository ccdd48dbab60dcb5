using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Registry;
using Buquet.Actors.Worker.ShardLeases;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Worker.ShardLeases;

/// <summary>A simulated fleet on one in-memory bucket and one fake clock: every round each live worker heartbeats and ticks.</summary>
public sealed class ShardLeaseFleetTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _store;
    private readonly List<SimWorker> _fleet = [];
    private readonly Dictionary<string, DateTimeOffset> _lastCovered = new(StringComparer.Ordinal);
    private IReadOnlyList<string> _shards = ShardSpace.For(1).All;
    private TimeSpan _worstGap;

    public ShardLeaseFleetTests() => _store = new InMemoryObjectStore(_time);

    private sealed class SimWorker
    {
        public required WorkerRegistry Registry { get; init; }

        public required ShardLeaseManager Leases { get; init; }

        public bool Alive { get; set; } = true;
    }

    private async Task<SimWorker> StartAsync(string id)
    {
        var clock = new StoreClock(_store, _time, TimeSpan.FromHours(1));
        var settings = new ShardLeaseSettings(_shards, Ttl, Round, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30));
        var leases = new ShardLeaseManager(_store, clock, _time, id, settings);
        var worker = new SimWorker { Leases = leases, Registry = new WorkerRegistry(_store, clock, id, () => leases.OwnedShards) };
        await worker.Registry.RegisterAsync();
        _fleet.Add(worker);
        return worker;
    }

    private IEnumerable<SimWorker> Alive => _fleet.Where(w => w.Alive);

    private async Task RoundsAsync(int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            foreach (var w in Alive.ToList())
            {
                await w.Registry.HeartbeatAsync();
                await w.Leases.TickAsync();
            }

            RecordCoverage();
            _time.Advance(Round);
        }
    }

    private void RecordCoverage()
    {
        var now = _time.GetUtcNow();
        foreach (var shard in _shards)
        {
            if (Alive.Any(w => w.Leases.OwnedShards.Contains(shard)))
            {
                _lastCovered[shard] = now;
            }
            else if (_lastCovered.TryGetValue(shard, out var last) && now - last > _worstGap)
            {
                _worstGap = now - last;
            }
        }
    }

    private void AssertCoveredDisjointBalanced(int expectedWorkers)
    {
        var alive = Alive.ToList();
        Assert.Equal(expectedWorkers, alive.Count);
        var owned = alive.SelectMany(w => w.Leases.OwnedShards).ToList();
        Assert.Equal(_shards.Count, owned.Count); // disjoint
        Assert.Equal(_shards.OrderBy(s => s, StringComparer.Ordinal), owned.OrderBy(s => s, StringComparer.Ordinal)); // covered
        var target = (_shards.Count + expectedWorkers - 1) / expectedWorkers;
        Assert.All(alive, w => Assert.InRange(w.Leases.OwnedShards.Count, 1, target));
    }

    [Fact]
    public async Task Fleet_OneThenThreeThenTwoAfterCrash_CoveredAndBalancedAfterEachChange()
    {
        await StartAsync("worker-a");
        await RoundsAsync(2);
        AssertCoveredDisjointBalanced(1);

        await StartAsync("worker-b");
        var c = await StartAsync("worker-c");
        await RoundsAsync(2); // one renewal interval to release, one to take
        AssertCoveredDisjointBalanced(3);
        Assert.True(_worstGap <= Round, $"a shard went unpolled for {_worstGap} while workers joined");

        c.Alive = false; // SIGKILL: no release, no deregistration
        _worstGap = TimeSpan.Zero;
        await RoundsAsync(8); // its heartbeat goes stale after 60 s; its leases expire after 30 s
        AssertCoveredDisjointBalanced(2);
        Assert.True(_worstGap <= Ttl + Round, $"a dead worker's shard went unpolled for {_worstGap}");
    }

    [Fact]
    public async Task Fleet_GracefulExit_SurvivorsTakeReleasedShardsWithinOneInterval()
    {
        await StartAsync("worker-a");
        await StartAsync("worker-b");
        var leaving = await StartAsync("worker-c");
        await RoundsAsync(3);
        AssertCoveredDisjointBalanced(3);

        await leaving.Leases.ReleaseAllAsync();
        await leaving.Registry.DeregisterAsync();
        leaving.Alive = false;
        _worstGap = TimeSpan.Zero;
        await RoundsAsync(2);

        AssertCoveredDisjointBalanced(2);
        Assert.True(_worstGap <= Round, $"released shards went unpolled for {_worstGap}");
    }

    [Fact]
    public async Task Fleet_NonLeasingPeerCountedAlive_ShardsStillCovered()
    {
        // A registry entry from a worker that never takes shard leases (a buquet peer polling everything, or a .NET
        // worker with leasing off) lowers everyone's target; the free shards must still be adopted.
        var peerClock = new StoreClock(_store, _time, TimeSpan.FromHours(1));
        var peer = new WorkerRegistry(_store, peerClock, "peer-without-leases", () => []);
        await peer.RegisterAsync();
        var a = await StartAsync("worker-a");
        var roundsWithGaps = 0;
        for (var i = 0; i < 30; i++)
        {
            await peer.HeartbeatAsync();
            await RoundsAsync(1);
            roundsWithGaps += a.Leases.OwnedShards.Count < 16 && i >= 3 ? 1 : 0;
        }

        // Offers to the peer go untaken, are re-adopted within two periods, and are then repeated ever more rarely.
        Assert.True(_worstGap < Ttl, $"a shard went unpolled for {_worstGap}");
        Assert.InRange(roundsWithGaps, 1, 5);
    }

    [Fact]
    public async Task Fleet_256ShardsThreeWorkers_FairShares()
    {
        _shards = ShardSpace.For(2).All;
        await StartAsync("w1");
        await StartAsync("w2");
        await StartAsync("w3");
        await RoundsAsync(4);

        var counts = Alive.Select(w => w.Leases.OwnedShards.Count).Order().ToArray();
        Assert.Equal(256, counts.Sum());
        Assert.True(counts[^1] <= 86, string.Join(",", counts));
    }
}
