using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Protocol;

public sealed class IndexDeleteBatchTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _inner;
    private readonly RequestCountingObjectStore _store;

    public IndexDeleteBatchTests()
    {
        _inner = new InMemoryObjectStore(_time);
        _store = new RequestCountingObjectStore(_inner);
    }

    private async Task PutAsync(params string[] keys)
    {
        foreach (var key in keys)
        {
            await _inner.PutAsync(key, ReadOnlyMemory<byte>.Empty, PutCondition.None);
        }
    }

    private async Task<bool> ExistsAsync(string key) => await _inner.HeadAsync(key) is not null;

    [Fact]
    public async Task Enqueue_KeysWithinOneWindow_OneRequestAtTheEndOfTheWindow()
    {
        await PutAsync("leases/0/1/a", "leases/0/1/b", "leases/1/1/c");
        var batch = new IndexDeleteBatch(_store, Window, _time);

        batch.Enqueue("leases/0/1/a");
        batch.Enqueue("leases/0/1/b");
        _time.Advance(Window / 2);
        batch.Enqueue("leases/1/1/c");
        Assert.Equal(0, _store.Snapshot()[StoreOperation.Delete]);
        Assert.True(await ExistsAsync("leases/0/1/a"));

        _time.Advance(Window / 2);
        await batch.FlushAsync(); // waits for the request the timer sent; sends nothing more

        Assert.Equal(1, _store.Snapshot()[StoreOperation.Delete]);
        Assert.Equal((1, 3), (batch.Requests, batch.KeysDeleted));
        Assert.False(await ExistsAsync("leases/0/1/a"));
        Assert.False(await ExistsAsync("leases/0/1/b"));
        Assert.False(await ExistsAsync("leases/1/1/c"));
    }

    [Fact]
    public async Task Cancel_KeyWrittenAgainWhileQueued_NotDeleted()
    {
        await PutAsync("leases/0/1/a", "leases/0/1/b");
        var batch = new IndexDeleteBatch(_store, Window, _time);
        batch.Enqueue("leases/0/1/a");
        batch.Enqueue("leases/0/1/b");

        Assert.True(batch.Cancel("leases/0/1/a"));
        await batch.FlushAsync();

        Assert.True(await ExistsAsync("leases/0/1/a"));
        Assert.False(await ExistsAsync("leases/0/1/b"));
    }

    [Fact]
    public async Task Enqueue_BatchFull_SentWithoutWaitingForTheWindow()
    {
        var batch = new IndexDeleteBatch(_store, Window, _time);
        for (var i = 0; i < IndexDeleteBatch.MaxKeys; i++)
        {
            batch.Enqueue($"leases/0/1/{i:D4}");
        }

        Assert.Equal(0, batch.Pending);
        await batch.FlushAsync();
        Assert.Equal(1, _store.Snapshot()[StoreOperation.Delete]);
        Assert.Equal(IndexDeleteBatch.MaxKeys, batch.KeysDeleted);
    }

    [Fact]
    public async Task FlushAsync_StoreUnavailable_CountedNotThrownAndNextBatchStillSent()
    {
        await PutAsync("leases/0/1/a", "leases/0/1/b");
        var flaky = new FlakyObjectStore(_inner) { FailDeletes = true };
        var batch = new IndexDeleteBatch(flaky, Window, _time);
        batch.Enqueue("leases/0/1/a");
        await batch.FlushAsync();

        flaky.FailDeletes = false;
        batch.Enqueue("leases/0/1/b");
        await batch.FlushAsync();

        Assert.Equal((2, 1), (batch.Requests, batch.Failures));
        Assert.True(await ExistsAsync("leases/0/1/a"), "a failed batch leaves its keys as stale hints");
        Assert.False(await ExistsAsync("leases/0/1/b"));
    }

    [Fact]
    public async Task CompleteAsync_WithBatchedDeletes_LeaseKeyGoesWithTheBatch()
    {
        var batch = new IndexDeleteBatch(_store, Window, _time);
        var repo = new TaskRepository(_store, new StoreClock(_store, _time, TimeSpan.FromHours(1))) { DeferredDeletes = batch };
        var id = Guid.NewGuid();
        var created = (await repo.CreateAsync(TaskTransitions.Submit(new SubmitSpec(id, repo.Shards.ShardOf(id), "echo", null), _time.GetUtcNow())))!;
        var claimed = (await repo.ClaimAsync(created, "w1")).Snapshot!;
        var lease = TaskKeys.Lease(claimed.Task.Shard, claimed.Task.LeaseExpiresAt!.Value, id);
        _store.Reset();

        var done = await repo.CompleteAsync(claimed, null);

        Assert.Equal(CasStatus.Written, done.Status);
        Assert.Equal(0, _store.Snapshot()[StoreOperation.Delete]); // the completion itself: one PUT, no DELETE
        Assert.True(await ExistsAsync(lease));
        _time.Advance(Window);
        await batch.FlushAsync();
        Assert.False(await ExistsAsync(lease));
        Assert.Equal(1, _store.Snapshot()[StoreOperation.Delete]);
    }
}
