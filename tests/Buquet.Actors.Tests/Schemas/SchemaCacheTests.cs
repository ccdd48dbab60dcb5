using Buquet.Actors.Protocol;
using Buquet.Actors.Schemas;
using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Schemas;

public sealed class SchemaCacheTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly RequestCountingObjectStore _store;
    private readonly SchemaCache _cache;

    public SchemaCacheTests()
    {
        _store = new RequestCountingObjectStore(new InMemoryObjectStore(_time));
        _cache = new SchemaCache(_store, _time, TimeSpan.FromSeconds(60));
    }

    private Task PutAsync(string body) => _store.Inner.PutAsync("schemas/t.json", System.Text.Encoding.UTF8.GetBytes(body), PutCondition.None);

    [Fact]
    public async Task GetAsync_WithinInterval_ReadsOnce()
    {
        await PutAsync("""{"input":{"type":"integer"}}""");

        var first = await _cache.GetAsync("t");
        _time.Advance(TimeSpan.FromSeconds(59));
        var second = await _cache.GetAsync("t");

        Assert.Same(first, second);
        Assert.Equal(1, _store.Snapshot()[StoreOperation.Get]);
    }

    [Fact]
    public async Task GetAsync_AfterIntervalUnchanged_ReadsAgainKeepsBuiltSchema()
    {
        await PutAsync("""{"input":{"type":"integer"}}""");
        var first = await _cache.GetAsync("t");

        _time.Advance(TimeSpan.FromSeconds(60));
        var second = await _cache.GetAsync("t");

        Assert.Same(first, second);
        Assert.Equal(2, _store.Snapshot()[StoreOperation.Get]);
    }

    [Fact]
    public async Task GetAsync_AfterIntervalChanged_UsesNewSchema()
    {
        await PutAsync("""{"input":{"type":"integer"}}""");
        _ = await _cache.GetAsync("t");
        await PutAsync("""{"input":{"type":"string"}}""");

        _time.Advance(TimeSpan.FromSeconds(61));
        var now = await _cache.GetAsync("t");

        Assert.True(now!.Validate(SchemaPart.Input, System.Text.Json.JsonDocument.Parse("\"s\"").RootElement).IsValid);
    }

    [Fact]
    public async Task GetAsync_NoSchema_NullAndCachedForTheInterval()
    {
        Assert.Null(await _cache.GetAsync("t"));
        Assert.Null(await _cache.GetAsync("t"));

        Assert.Equal(1, _store.Snapshot()[StoreOperation.Get]);
    }

    [Fact]
    public async Task GetAsync_MalformedSchema_ThrowsNamingKeyEachTime()
    {
        await PutAsync("""{"input":{"type":"strnig"}}""");

        var first = await Assert.ThrowsAsync<MalformedObjectException>(() => _cache.GetAsync("t"));
        var second = await Assert.ThrowsAsync<MalformedObjectException>(() => _cache.GetAsync("t"));

        Assert.Equal("schemas/t.json", first.Key);
        Assert.Equal("schemas/t.json", second.Key);
        Assert.Equal(1, _store.Snapshot()[StoreOperation.Get]);
    }

    [Fact]
    public async Task GetAsync_FirstCallerCancelledDuringSharedRead_OtherCallerGetsSchema()
    {
        var (store, cache) = await GatedCacheAsync();
        using var first = new CancellationTokenSource();
        var firstCall = cache.GetAsync("t", first.Token);
        await store.Entered.Task.WaitAsync(Guard);
        var secondCall = cache.GetAsync("t");

        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => firstCall.WaitAsync(Guard));
        store.Release.SetResult();

        Assert.NotNull(await secondCall.WaitAsync(Guard));
        Assert.Equal(1, store.Gets);
        Assert.False(store.Cancelled.Task.IsCompleted);
    }

    [Fact]
    public async Task GetAsync_EveryCallerCancelled_SharedReadCancelledAndNextCallReadsAgain()
    {
        var (store, cache) = await GatedCacheAsync();
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        var calls = new[] { cache.GetAsync("t", first.Token), cache.GetAsync("t", second.Token) };
        await store.Entered.Task.WaitAsync(Guard);

        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calls[0].WaitAsync(Guard));
        Assert.False(store.Cancelled.Task.IsCompleted); // one caller still waits: the read goes on
        await second.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calls[1].WaitAsync(Guard));
        await store.Cancelled.Task.WaitAsync(Guard);
        store.Release.SetResult();

        Assert.NotNull(await cache.GetAsync("t").WaitAsync(Guard));
        Assert.Equal(2, store.Gets);
    }

    /// <summary>A schema stored, and a cache over a store whose GETs wait for the test.</summary>
    private async Task<(GatedGetStore Store, SchemaCache Cache)> GatedCacheAsync()
    {
        await PutAsync("""{"input":{"type":"integer"}}""");
        var store = new GatedGetStore(_store.Inner);
        return (store, new SchemaCache(store, _time, TimeSpan.FromSeconds(60)));
    }

    /// <summary>GETs wait for <see cref="Release"/> (or their token); counts them and signals entry and cancellation.</summary>
    private sealed class GatedGetStore(IObjectStore inner) : DelegatingObjectStore(inner)
    {
        private int _gets;

        public int Gets => Volatile.Read(ref _gets);

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _gets);
            Entered.TrySetResult();
            try
            {
                await Release.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                throw;
            }

            return await Inner.GetAsync(key, cancellationToken);
        }
    }
}
