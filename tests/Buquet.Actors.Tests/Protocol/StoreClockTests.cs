using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Protocol;

public sealed class StoreClockTests
{
    [Fact]
    public async Task NowAsync_WithinResync_AdvancesMonotonicallyWithoutRequests()
    {
        var storeTime = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var local = new FakeTimeProvider(new DateTimeOffset(1999, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new RequestCountingObjectStore(new InMemoryObjectStore(storeTime));
        var clock = new StoreClock(store, local);

        Assert.Equal(storeTime.GetUtcNow(), await clock.NowAsync());
        local.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(storeTime.GetUtcNow().AddSeconds(4), await clock.NowAsync());
        Assert.Equal(1, clock.SyncCount);
        Assert.Equal(1, store.Snapshot()[StoreOperation.Head]);
    }

    [Fact]
    public async Task NowAsync_AfterResyncInterval_ReadsStoreAgain()
    {
        var storeTime = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var local = new FakeTimeProvider();
        var clock = new StoreClock(new InMemoryObjectStore(storeTime), local, TimeSpan.FromSeconds(5));
        await clock.NowAsync();
        storeTime.Advance(TimeSpan.FromMinutes(10)); // the store's clock jumped; ours only moved 5 s
        local.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(storeTime.GetUtcNow(), await clock.NowAsync());
        Assert.Equal(2, clock.SyncCount);
    }

    [Fact]
    public async Task NowAsync_StoreStampsAtTheEndOfASlowRoundTrip_NeverAheadOfTheStore()
    {
        var storeTime = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var local = new FakeTimeProvider();
        var store = new SlowRoundTripStore(storeTime, local, TimeSpan.FromSeconds(2));
        var clock = new StoreClock(store, local);

        var synced = await clock.NowAsync();
        Assert.True(synced <= storeTime.GetUtcNow(), $"synced {synced:O} ran ahead of the store's {storeTime.GetUtcNow():O}");
        local.Advance(TimeSpan.FromSeconds(3));
        storeTime.Advance(TimeSpan.FromSeconds(3));
        var later = await clock.NowAsync();
        Assert.True(later <= storeTime.GetUtcNow(), $"extrapolated {later:O} ran ahead of the store's {storeTime.GetUtcNow():O}");
        Assert.Equal(1, clock.SyncCount);
    }

    [Fact]
    public async Task NowAsync_ConcurrentCallers_ShareOneSync()
    {
        var gate = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new GatedTimeStore(gate.Task);
        var clock = new StoreClock(store, new FakeTimeProvider());
        var calls = Enumerable.Range(0, 8).Select(_ => clock.NowAsync().AsTask()).ToList();
        gate.SetResult(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(results, r => Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), r));
        Assert.Equal(1, store.Calls);
    }

    /// <summary>A store whose time request takes <paramref name="roundTrip"/> on both clocks and is stamped at its end.</summary>
    private sealed class SlowRoundTripStore(FakeTimeProvider storeTime, FakeTimeProvider local, TimeSpan roundTrip) : DelegatingObjectStore(new InMemoryObjectStore(storeTime))
    {
        public override Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default)
        {
            local.Advance(roundTrip);
            storeTime.Advance(roundTrip);
            return Task.FromResult(storeTime.GetUtcNow());
        }
    }

    private sealed class GatedTimeStore(Task<DateTimeOffset> time) : DelegatingObjectStore(new InMemoryObjectStore())
    {
        private int _calls;

        public int Calls => _calls;

        public override Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return time;
        }
    }

    [Fact]
    public async Task EstimateNowAsync_WithinMaxAge_ExtrapolatesWithoutRequestButNowAsyncStillSyncs()
    {
        var storeTime = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var local = new FakeTimeProvider();
        var clock = new StoreClock(new InMemoryObjectStore(storeTime), local, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(15));
        await clock.NowAsync();

        local.Advance(TimeSpan.FromMinutes(10));
        storeTime.Advance(TimeSpan.FromMinutes(10));
        var estimate = await clock.EstimateNowAsync();

        Assert.Equal(storeTime.GetUtcNow(), estimate);
        Assert.Equal(1, clock.SyncCount); // a heartbeat's timestamp costs no request
        Assert.Equal(storeTime.GetUtcNow(), await clock.NowAsync());
        Assert.Equal(2, clock.SyncCount); // a decision re-syncs after the 5 s re-sync interval, as before
    }

    [Fact]
    public async Task EstimateNowAsync_OlderThanMaxAgeOrNeverSynced_Syncs()
    {
        var storeTime = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var local = new FakeTimeProvider();
        var clock = new StoreClock(new InMemoryObjectStore(storeTime), local, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(15));

        await clock.EstimateNowAsync();
        Assert.Equal(1, clock.SyncCount);
        local.Advance(TimeSpan.FromMinutes(15));
        storeTime.Advance(TimeSpan.FromMinutes(20)); // the store's clock stepped: a long-lived estimate is refreshed
        Assert.Equal(storeTime.GetUtcNow(), await clock.EstimateNowAsync());
        Assert.Equal(2, clock.SyncCount);
    }

    [Fact]
    public void Constructor_EstimateMaxAgeBelowResync_RefusedNamingIt()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new StoreClock(new InMemoryObjectStore(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)));

        Assert.Equal("estimateMaxAge", error.ParamName);
    }
}
