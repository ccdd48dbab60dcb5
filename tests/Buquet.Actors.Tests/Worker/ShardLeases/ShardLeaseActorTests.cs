using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Maintenance;
using Buquet.Actors.Worker.ShardLeases;
using Microsoft.Extensions.Time.Testing;
using static Buquet.Actors.Worker.ShardLeases.ShardLeasing;

namespace Buquet.Actors.Tests.Worker.ShardLeases;

public sealed class ShardLeaseActorTests : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly OutageObjectStore _store;
    private readonly ShardLeaseManager _manager;
    private readonly ActorSystem _system;
    private readonly TestProbe _subscriber;
    private readonly TestProbe _listener;

    public ShardLeaseActorTests()
    {
        _store = new OutageObjectStore(new InMemoryObjectStore(_time));
        var clock = new StoreClock(_store, _time, TimeSpan.FromHours(1));
        _manager = new ShardLeaseManager(_store, clock, _time, "w1", ShardLeaseManagerTests.SettingsFor(ShardSpace.For(1).All), (_, _) => Task.FromResult<IReadOnlyList<WorkerInfo>>([]));
        _system = TestActorSystem.Create(_time);
        _subscriber = _system.CreateProbe();
        _listener = _system.CreateProbe();
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(Guard);

    private IActorRef Start() =>
        _system.ActorOf(ShardLeasing.Props(_manager, new StoreBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)), () => 0, _subscriber, _listener), "shard-leases");

    [Fact]
    public async Task Start_AloneInFleet_SubscriberToldEmptyThenAllShards()
    {
        Start();

        Assert.Empty((await _subscriber.ExpectMsgAsync<OwnedShardsChanged>(duration: Guard)).Shards);
        var owned = await _subscriber.ExpectMsgAsync<OwnedShardsChanged>(duration: Guard);
        Assert.Equal(16, owned.Shards.Count);
    }

    [Fact]
    public async Task Subscribe_Later_GetsCurrentSetAtOnce()
    {
        var actor = Start();
        await _listener.FishForMessageAsync<TickCompleted>(_ => true, max: Guard);
        var late = _system.CreateProbe();

        actor.Tell(new Subscribe(late));

        Assert.Equal(16, (await late.ExpectMsgAsync<OwnedShardsChanged>(duration: Guard)).Shards.Count);
    }

    [Fact]
    public async Task ReleaseAll_DeletesLeasesRepliesAndPublishesEmpty()
    {
        var actor = Start();
        await _listener.FishForMessageAsync<TickCompleted>(_ => true, max: Guard);
        var requester = _system.CreateProbe();

        requester.Send(actor, ReleaseAll.Instance);

        Assert.True((await requester.ExpectMsgAsync<Released>(duration: Guard)).Clean);
        await _subscriber.FishForMessageAsync<OwnedShardsChanged>(s => s.Shards.Count == 0, Guard);
        Assert.Empty((await _store.ListAsync(new ListRequest(TaskKeys.ShardLeasesRoot))).Objects);
    }

    [Fact]
    public async Task StoreDown_PastTtl_SubscriberToldNoShards()
    {
        Start();
        await _subscriber.FishForMessageAsync<OwnedShardsChanged>(s => s.Shards.Count == 16, Guard);
        _store.Down = true;

        // Renewals fail from the next tick on; retries back off (1, 2, 4, 8 s, capped at the renewal interval).
        _time.Advance(TimeSpan.FromSeconds(10));
        var elapsed = TimeSpan.FromSeconds(10);
        var failure = await _listener.FishForMessageAsync<StoreUnavailable>(_ => true, max: Guard);
        Assert.Equal(16, _manager.OwnedShards.Count); // still trusted within the TTL
        while (elapsed < TimeSpan.FromSeconds(30))
        {
            _time.Advance(failure.RetryIn);
            elapsed += failure.RetryIn;
            failure = await _listener.FishForMessageAsync<StoreUnavailable>(_ => true, max: Guard);
            Assert.True(failure.RetryIn <= TimeSpan.FromSeconds(10), $"retry in {failure.RetryIn} exceeds the renewal interval");
        }

        var lost = await _subscriber.FishForMessageAsync<OwnedShardsChanged>(s => s.Shards.Count == 0, Guard);
        Assert.NotNull(lost);
    }
}
