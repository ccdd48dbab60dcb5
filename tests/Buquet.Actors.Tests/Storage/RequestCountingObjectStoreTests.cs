using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

public sealed class RequestCountingObjectStoreTests
{
    [Fact]
    public async Task Operations_AreCountedByKindAndOutcome()
    {
        var store = new RequestCountingObjectStore(new InMemoryObjectStore());
        await store.PutAsync("k", "x"u8.ToArray(), PutCondition.IfNoneMatch);
        await store.PutAsync("k", "y"u8.ToArray(), PutCondition.IfNoneMatch);
        await store.GetAsync("k");
        await store.GetAsync("missing");
        await store.HeadAsync("k");
        await store.ListAsync(new ListRequest(""));
        await store.DeleteAsync("k");
        await store.DeleteAsync("k");
        var c = store.Snapshot();
        Assert.Equal(1, c[StoreOperation.Put, StoreOutcome.Ok]);
        Assert.Equal(1, c[StoreOperation.Put, StoreOutcome.PreconditionFailed]);
        Assert.Equal(2, c[StoreOperation.Get]);
        Assert.Equal(1, c[StoreOperation.Get, StoreOutcome.NotFound]);
        Assert.Equal(1, c[StoreOperation.Head]);
        Assert.Equal(1, c[StoreOperation.List]);
        Assert.Equal(1, c[StoreOperation.Delete, StoreOutcome.NotFound]);
        Assert.Equal(9 - 1, c.Total);
        Assert.Equal(8, store.SnapshotAndReset().Total);
        Assert.Equal(0, store.Snapshot().Total);
    }

    [Fact]
    public async Task ConcurrentRequests_AreAllCounted()
    {
        var store = new RequestCountingObjectStore(new InMemoryObjectStore());
        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() => store.GetAsync("k" + i))));
        Assert.Equal(400, store.Snapshot()[StoreOperation.Get, StoreOutcome.NotFound]);
    }

    [Fact]
    public async Task ThrowingInner_CountsErrorAndRethrows()
    {
        var store = new RequestCountingObjectStore(new InMemoryObjectStore());
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("", Array.Empty<byte>(), PutCondition.None));
        Assert.Equal(1, store.Snapshot()[StoreOperation.Put, StoreOutcome.Error]);
    }
}
