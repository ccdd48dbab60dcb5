using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Worker.Idle;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Maintenance;
using Buquet.Actors.Worker.ShardLeases;
using Microsoft.Extensions.Time.Testing;
using static Buquet.Actors.Worker.ShardLeases.ShardLeasing;

namespace Buquet.Actors.Tests.Worker.ShardLeases;

public sealed class ShardLeaseIdleTests : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Census = TimeSpan.FromMinutes(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _memory;
    private readonly PrefixCountingObjectStore _store;
    private readonly ShardLeaseManager _manager;
    private readonly IActorRef _activity;
    private readonly ActorSystem _system;
    private readonly TestProbe _subscriber;
    private readonly TestProbe _listener;

    public ShardLeaseIdleTests()
    {
        _memory = new InMemoryObjectStore(_time);
        _store = new PrefixCountingObjectStore(_memory);
        var clock = new StoreClock(_store, _time, TimeSpan.FromSeconds(5));
        var settings = ShardLeaseManagerTests.SettingsFor(ShardSpace.For(1).All) with { ReleaseWhenIdle = true, IdleCensusInterval = Census };
        _manager = new ShardLeaseManager(_store, clock, _time, "w1", settings);
        _system = TestActorSystem.Create(_time);
        _activity = _system.ActorOf(WorkerActivity.Props());
        _subscriber = _system.CreateProbe();
        _listener = _system.CreateProbe();
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(Guard);

    /// <summary>The peer w2 heartbeats now (it is alive and holds shard "f").</summary>
    private async Task PeerHeartbeatAsync()
    {
        var peer = new WorkerInfo("w2", _time.GetUtcNow(), _time.GetUtcNow(), ["f"], null, 0, 0);
        await _memory.PutAsync(TaskKeys.Worker("w2"), ModelJson.Serialize(peer), PutCondition.None);
    }

    /// <summary>Starts the actor with shard "f" held by a live peer: this worker owns 8 (the fair share of 16 over 2).</summary>
    private async Task<IActorRef> StartActiveAsync()
    {
        await PeerHeartbeatAsync();
        await _memory.PutAsync(TaskKeys.ShardLease("f"), ModelJson.Serialize(new ShardLease("f", "w2", _time.GetUtcNow() + TimeSpan.FromHours(2), _time.GetUtcNow())), PutCondition.None);
        var actor = _system.ActorOf(ShardLeasing.Props(_manager, new StoreBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)), () => 0, _subscriber, _listener, null, _activity), "shard-leases");
        var tick = await _listener.FishForMessageAsync<TickCompleted>(_ => true, max: Guard);
        Assert.Equal(2, tick.Report.LiveWorkers);
        await _subscriber.FishForMessageAsync<OwnedShardsChanged>(s => s.Shards.Count == 8, Guard); // fair share of 16 over 2
        return actor;
    }

    [Fact]
    public async Task ChangedIdle_ReleasesLeasesPublishesEveryShardAndReportsFleetSize()
    {
        await StartActiveAsync();
        Assert.Equal(2, (await _activity.Ask<WorkerActivity.Changed>(WorkerActivity.GetState.Instance, Guard)).FleetSize);

        _activity.Tell(new WorkerActivity.SetIdle(true));

        Assert.True((await _listener.FishForMessageAsync<IdleReleased>(_ => true, max: Guard)).Clean);
        var published = await _subscriber.FishForMessageAsync<OwnedShardsChanged>(s => s.Shards.Count == 16, Guard);
        Assert.Contains("f", published.Shards);
        var leases = (await _memory.ListAsync(new ListRequest(TaskKeys.ShardLeasesRoot))).Objects.Select(o => o.Key).ToList();
        Assert.Equal(["shard-leases/f.json"], leases); // only the peer's lease is left
    }

    [Fact]
    public async Task Idle_ThirtyMinutes_OnlyACensusEvery10MinutesAndNoLeaseRequests()
    {
        await StartActiveAsync();
        _activity.Tell(new WorkerActivity.SetIdle(true));
        await _listener.FishForMessageAsync<IdleReleased>(_ => true, max: Guard);
        _store.Reset();

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(Census - TimeSpan.FromSeconds(1));
            await PeerHeartbeatAsync();
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(2, (await _listener.FishForMessageAsync<CensusCompleted>(_ => true, max: Guard)).LiveWorkers);
        }

        // Per census: one LIST of workers/ and one GET per entry; no shard-lease request; the clock is only re-read
        // when its estimate is older than estimate-max-age (15 min).
        Assert.Equal(3, _store.Count(StoreOperation.List, "workers"));
        Assert.Equal(0, _store.Count(StoreOperation.Put, "shard-leases") + _store.Count(StoreOperation.List, "shard-leases") + _store.GetClass("shard-leases"));
        Assert.True(_store.Count(StoreOperation.Put, "clock") <= 2, _store.Describe());
        Assert.True(_store.PutClass() <= 5, _store.Describe());
    }

    [Fact]
    public async Task ChangedActive_AfterIdle_ReacquiresAtOnceThenRenewsEveryPeriod()
    {
        await StartActiveAsync();
        _activity.Tell(new WorkerActivity.SetIdle(true));
        await _listener.FishForMessageAsync<IdleReleased>(_ => true, max: Guard);
        _time.Advance(TimeSpan.FromMinutes(3));
        await PeerHeartbeatAsync();

        _activity.Tell(new WorkerActivity.SetIdle(false));

        var tick = await _listener.FishForMessageAsync<TickCompleted>(_ => true, max: Guard); // no time advanced
        Assert.True(tick.Report.Owned == 8, tick.Report.ToString());
        await _subscriber.FishForMessageAsync<OwnedShardsChanged>(s => s.Shards.Count == 8 && !s.Shards.Contains("f"), Guard);
        _store.Reset();
        _time.Advance(_manager.Settings.EffectiveRenewalInterval);
        var renewal = await _listener.FishForMessageAsync<TickCompleted>(_ => true, max: Guard);
        Assert.Equal(0, renewal.Report.Lost);
        Assert.True(_store.Count(StoreOperation.Put, "shard-leases") >= 8, _store.Describe()); // the 8 renewed by CAS (+ adoptions of the unclaimed 7)
    }

    [Fact]
    public async Task IdleWorkerCrashes_NoLeaseLeftBehind_PeerTakesAllShardsAtOnce()
    {
        await StartActiveAsync();
        _activity.Tell(new WorkerActivity.SetIdle(true));
        await _listener.FishForMessageAsync<IdleReleased>(_ => true, max: Guard);
        await _system.Terminate().WaitAsync(Guard); // the idle worker dies without any shutdown

        var peerClock = new StoreClock(_memory, _time, TimeSpan.FromSeconds(5));
        var peer = new ShardLeaseManager(_memory, peerClock, _time, "w2", ShardLeaseManagerTests.SettingsFor(ShardSpace.For(1).All));

        var report = await peer.TickAsync();

        Assert.Equal(15, report.Acquired); // every shard it lacked, at once: no lease of the dead worker to wait out
    }
}
