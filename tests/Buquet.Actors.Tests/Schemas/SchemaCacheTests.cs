using Buquet.Actors.Protocol;
using Buquet.Actors.Schemas;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Schemas;

public sealed class SchemaCacheTests
{
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
}
