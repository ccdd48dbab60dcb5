using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.ShardLeases;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Worker.ShardLeases;

public sealed class ShardLeaseManagerTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Renewal = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _store;
    private readonly StoreClock _clock;

    public ShardLeaseManagerTests()
    {
        _store = new InMemoryObjectStore(_time);
        _clock = new StoreClock(_store, _time, TimeSpan.FromHours(1));
    }

    internal static ShardLeaseSettings SettingsFor(IReadOnlyList<string> shards) =>
        new(shards, Ttl, Renewal, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30));

    private ShardLeaseManager NewManager(string id, int prefixLength = 1) =>
        new(_store, _clock, _time, id, SettingsFor(ShardSpace.For(prefixLength).All), (_, _) => Task.FromResult<IReadOnlyList<WorkerInfo>>([]));

    private async Task PutForeignLeaseAsync(string shard, string owner, DateTimeOffset expires) =>
        await _store.PutAsync(TaskKeys.ShardLease(shard), ModelJson.Serialize(new ShardLease(shard, owner, expires, _time.GetUtcNow())), PutCondition.None);

    [Fact]
    public async Task TickAsync_AloneInFleet_AcquiresEveryShardWithPeerJson()
    {
        var manager = NewManager("w1");
        IReadOnlySet<string>? published = null;
        manager.OwnedShardsChanged += s => published = s;

        var report = await manager.TickAsync();

        Assert.Equal(16, report.Target);
        Assert.Equal(16, manager.OwnedShards.Count);
        Assert.Same(manager.OwnedShards, published);
        var body = JsonDocument.Parse((await _store.GetAsync("shard-leases/a.json"))!.Body).RootElement;
        Assert.Equal(["shard", "worker_id", "lease_expires_at", "updated_at"], body.EnumerateObject().Select(p => p.Name).ToArray());
        var lease = ModelJson.ParseShardLease((await _store.GetAsync("shard-leases/a.json"))!.Body, "a");
        Assert.Equal("w1", lease.WorkerId);
        Assert.Equal(lease.UpdatedAt + Ttl, lease.LeaseExpiresAt);
    }

    [Fact]
    public async Task TryAcquireAsync_HeldByOtherNotExpired_Refused_AtExpiryInstant_TakenOver()
    {
        var manager = NewManager("w1");
        var now = await _clock.NowAsync();
        await PutForeignLeaseAsync("3", "other", now.AddSeconds(5));

        Assert.False(await manager.TryAcquireAsync("3", now, CancellationToken.None));
        Assert.True(await manager.TryAcquireAsync("3", now.AddSeconds(5), CancellationToken.None)); // expired iff lease_expires_at <= now
        Assert.Equal("w1", ModelJson.ParseShardLease((await _store.GetAsync("shard-leases/3.json"))!.Body, "3").WorkerId);
    }

    [Fact]
    public async Task TryAcquireAsync_UnreadableLease_TakenOver()
    {
        var manager = NewManager("w1");
        await _store.PutAsync("shard-leases/4.json", "{broken"u8.ToArray(), PutCondition.None);

        Assert.True(await manager.TryAcquireAsync("4", await _clock.NowAsync(), CancellationToken.None));
    }

    [Fact]
    public async Task TickAsync_Renewal_ExtendsExpiry()
    {
        var manager = NewManager("w1");
        await manager.TickAsync();
        _time.Advance(Renewal);

        await manager.TickAsync();

        var lease = ModelJson.ParseShardLease((await _store.GetAsync("shard-leases/0.json"))!.Body, "0");
        Assert.Equal(await _clock.NowAsync() + Ttl, lease.LeaseExpiresAt);
    }

    [Fact]
    public async Task TickAsync_LeaseOverwrittenBySomeoneElse_DroppedAndPublished()
    {
        var manager = NewManager("w1");
        await manager.TickAsync();
        IReadOnlySet<string>? published = null;
        manager.OwnedShardsChanged += s => published = s;
        await PutForeignLeaseAsync("7", "thief", _time.GetUtcNow().AddMinutes(5));
        _time.Advance(Renewal);

        var report = await manager.TickAsync();

        Assert.Equal(1, report.Lost);
        Assert.DoesNotContain("7", manager.OwnedShards);
        Assert.NotNull(published);
        Assert.DoesNotContain("7", published);
        Assert.Equal("thief", ModelJson.ParseShardLease((await _store.GetAsync("shard-leases/7.json"))!.Body, "7").WorkerId);
    }

    [Fact]
    public async Task TickAsync_StoreDownPastTtl_LeasesNoLongerTrusted()
    {
        var flaky = new OutageObjectStore(_store);
        var manager = new ShardLeaseManager(flaky, _clock, _time, "w1", SettingsFor(ShardSpace.For(1).All), (_, _) => Task.FromResult<IReadOnlyList<WorkerInfo>>([]));
        await manager.TickAsync();
        IReadOnlySet<string>? published = null;
        manager.OwnedShardsChanged += s => published = s;
        flaky.Down = true;

        _time.Advance(Renewal);
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => manager.TickAsync());
        Assert.Equal(16, manager.OwnedShards.Count); // still within the TTL of the last renewal

        _time.Advance(Ttl - Renewal);
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => manager.TickAsync());
        Assert.Empty(manager.OwnedShards);
        Assert.NotNull(published);
        Assert.Empty(published);
    }

    [Fact]
    public async Task ReleaseAllAsync_DeletesOwnedLeasesOnly()
    {
        var manager = NewManager("w1");
        await manager.TickAsync();
        await PutForeignLeaseAsync("2", "thief", _time.GetUtcNow().AddMinutes(5));

        await manager.ReleaseAllAsync();

        Assert.Empty(manager.OwnedShards);
        Assert.Null(await _store.GetAsync("shard-leases/0.json"));
        Assert.NotNull(await _store.GetAsync("shard-leases/2.json")); // someone else's now: left alone
    }

    [Fact]
    public void Settings_RenewalAboveThirdOfTtl_Capped_InvalidValuesNamed()
    {
        var s = new ShardLeaseSettings(["0"], Ttl, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(10), s.EffectiveRenewalInterval);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => (s with { LeaseTtl = TimeSpan.Zero }).Validate());
        Assert.Contains("LeaseTtl", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => (s with { Shards = ["1", "1"] }).Validate());
    }

    [Fact]
    public void PreferenceOffset_DifferentWorkers_SpreadOverShards()
    {
        var offsets = Enumerable.Range(0, 64).Select(i => ShardLeaseManager.PreferenceOffset($"worker-{i:x8}", 16)).Distinct().Count();
        Assert.True(offsets >= 12, $"only {offsets} distinct offsets");
    }
}
