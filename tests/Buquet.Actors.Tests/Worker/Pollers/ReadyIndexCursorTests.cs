using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Pollers;

namespace Buquet.Actors.Tests.Worker.Pollers;

public sealed class ReadyIndexCursorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 30, TimeSpan.Zero);
    private readonly InMemoryObjectStore _store = new();

    private async Task<Guid> ReadyAsync(TimeSpan offset)
    {
        var id = Guid.NewGuid();
        await _store.PutAsync(TaskKeys.Ready("0", Now + offset, id), Array.Empty<byte>(), PutCondition.None);
        return id;
    }

    [Fact]
    public async Task NextAsync_OldestBucketFirstAndNeverFutureBuckets()
    {
        var old = await ReadyAsync(TimeSpan.FromMinutes(-30));
        var recent = await ReadyAsync(TimeSpan.FromMinutes(-1));
        var future = await ReadyAsync(TimeSpan.FromMinutes(5));
        var cursor = new ReadyIndexCursor("0");

        var first = await cursor.NextAsync(_store, 10, Now);
        var second = await cursor.NextAsync(_store, 10, Now);
        var third = await cursor.NextAsync(_store, 10, Now);

        Assert.Equal([old], first.Select(c => c.TaskId));
        Assert.Equal([recent], second.Select(c => c.TaskId));
        Assert.DoesNotContain(future, third.Select(c => c.TaskId));
        Assert.Equal(TaskKeys.Task("0", old), first[0].TaskKey);
    }

    [Fact]
    public async Task NextAsync_FullBucketOfStaleKeys_PagesOnWithoutBlockingLaterBuckets()
    {
        for (var i = 0; i < 5; i++)
        {
            await ReadyAsync(TimeSpan.FromMinutes(-10));
        }

        var later = await ReadyAsync(TimeSpan.FromMinutes(-2));
        var cursor = new ReadyIndexCursor("0");
        var seen = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            seen.AddRange((await cursor.NextAsync(_store, 2, Now)).Select(c => c.TaskId));
        }

        Assert.Contains(later, seen);
        Assert.Equal(6, seen.Distinct().Count());
    }

    [Fact]
    public async Task NextAsync_ForeignKeyWithBadIdInOldestBucket_OlderBucketsStillListed()
    {
        await _store.PutAsync(TaskKeys.ReadyBucketPrefix("0", TimeBuckets.Number(Now - TimeSpan.FromMinutes(10))) + "not-a-guid", Array.Empty<byte>(), PutCondition.None);
        await _store.PutAsync("ready/0/garbage-bucket/" + Guid.NewGuid(), Array.Empty<byte>(), PutCondition.None);
        var past = await ReadyAsync(TimeSpan.FromMinutes(-3));
        var cursor = new ReadyIndexCursor("0");

        var seen = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            seen.AddRange((await cursor.NextAsync(_store, 10, Now)).Select(c => c.TaskId));
        }

        Assert.Contains(past, seen);
    }

    [Fact]
    public async Task NextAsync_AfterLastBucket_WrapsToOldest()
    {
        var old = await ReadyAsync(TimeSpan.FromMinutes(-3));
        var cursor = new ReadyIndexCursor("0");
        Assert.Equal([old], (await cursor.NextAsync(_store, 10, Now)).Select(c => c.TaskId));

        var again = await cursor.NextAsync(_store, 10, Now);

        Assert.Equal([old], again.Select(c => c.TaskId));
    }

    [Fact]
    public async Task NextAsync_RespectsMaxKeys()
    {
        for (var i = 0; i < 5; i++)
        {
            await ReadyAsync(TimeSpan.Zero);
        }

        var page = await new ReadyIndexCursor("0").NextAsync(_store, 3, Now);

        Assert.Equal(3, page.Count);
    }
}
