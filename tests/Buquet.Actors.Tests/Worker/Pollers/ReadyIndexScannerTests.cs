using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Pollers;

namespace Buquet.Actors.Tests.Worker.Pollers;

public sealed class ReadyIndexScannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 30, TimeSpan.Zero);
    private static readonly string[] AllShards = [.. ShardSpace.For(1).All];
    private readonly InMemoryObjectStore _memory = new();
    private readonly RequestCountingObjectStore _store;

    public ReadyIndexScannerTests() => _store = new RequestCountingObjectStore(_memory);

    private async Task<Guid> ReadyAsync(string shard, TimeSpan offset)
    {
        var id = Guid.Parse(shard + Guid.NewGuid().ToString("N")[1..]);
        await _memory.PutAsync(TaskKeys.Ready(shard, Now + offset, id), Array.Empty<byte>(), PutCondition.None);
        return id;
    }

    [Fact]
    public async Task NextAsync_SmallIndex_OneListCoversEveryShardAndDropsFutureBuckets()
    {
        var due = new[] { await ReadyAsync("0", TimeSpan.FromMinutes(-3)), await ReadyAsync("9", TimeSpan.Zero), await ReadyAsync("f", TimeSpan.FromMinutes(-1)) };
        await ReadyAsync("4", TimeSpan.FromMinutes(7));
        var scanner = new ReadyIndexScanner();

        var scan = await scanner.NextAsync(_store, AllShards, 10, Now);

        Assert.Equal(due.Order(), scan.Candidates.Select(c => c.TaskId).Order());
        Assert.Equal(1, _store.Snapshot()[StoreOperation.List]);
        Assert.True(scan.Complete);
        Assert.True(scan.CurrentBucketSeen);
        Assert.Equal(TimeBuckets.Number(Now + TimeSpan.FromMinutes(7)), scan.NextDueBucket);
        Assert.False(scanner.Deep);
    }

    [Fact]
    public async Task NextAsync_OnlyOwnedShards_OffersNothingFromOthers()
    {
        await ReadyAsync("1", TimeSpan.Zero);
        var mine = await ReadyAsync("2", TimeSpan.Zero);

        var scan = await new ReadyIndexScanner().NextAsync(_store, ["2", "3"], 10, Now);

        Assert.Equal([mine], scan.Candidates.Select(c => c.TaskId));
    }

    [Fact]
    public async Task NextAsync_UnderLoad_SpreadsCandidatesOverShardsAndRotates()
    {
        for (var i = 0; i < 20; i++)
        {
            await ReadyAsync("0", TimeSpan.FromMinutes(-5));
        }

        var others = new[] { await ReadyAsync("7", TimeSpan.Zero), await ReadyAsync("b", TimeSpan.Zero) };
        var scanner = new ReadyIndexScanner();

        var scan = await scanner.NextAsync(_store, AllShards, 3, Now);

        // Shard 0's twenty older keys do not crowd out the other shards: one per shard per round.
        Assert.Equal(3, scan.Candidates.Count);
        Assert.Contains(others[0], scan.Candidates.Select(c => c.TaskId));
        Assert.Contains(others[1], scan.Candidates.Select(c => c.TaskId));
        Assert.Single(scan.Candidates, c => c.TaskKey.StartsWith("tasks/0/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NextAsync_UnclaimableKeysStay_LaterKeysOfTheShardStillOffered()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await ReadyAsync("5", TimeSpan.FromMinutes(-2)));
        }

        var scanner = new ReadyIndexScanner();
        var offered = new List<Guid>();
        for (var poll = 0; poll < 3; poll++)
        {
            // Nobody claims anything (stale keys, or task types this worker has no handler for).
            offered.AddRange((await scanner.NextAsync(_store, ["5"], 2, Now)).Candidates.Select(c => c.TaskId));
        }

        Assert.Equal(ids.Order(), offered.Order());
    }

    [Fact]
    public async Task NextAsync_TruncatedWholeList_WalksShardsUntilTheBacklogDrains()
    {
        for (var i = 0; i < ReadyIndexScanner.SmallLimit + 5; i++)
        {
            await ReadyAsync(AllShards[i % 16], TimeSpan.FromMinutes(-1));
        }

        var scanner = new ReadyIndexScanner();
        var first = await scanner.NextAsync(_store, AllShards, 8, Now);
        Assert.True(scanner.Deep);
        Assert.False(first.Complete);
        Assert.Equal(8, first.Candidates.Count);
        _store.Reset();

        var deep = await scanner.NextAsync(_store, AllShards, 8, Now);

        Assert.Equal(8, deep.Candidates.Count);
        Assert.InRange(_store.Snapshot()[StoreOperation.List], 1, 3);
        ListPage page;
        while ((page = await _memory.ListAsync(new ListRequest(TaskKeys.ReadyRoot))).Objects.Count > 0)
        {
            foreach (var obj in page.Objects)
            {
                await _memory.DeleteAsync(obj.Key);
            }
        }

        await ReadyAsync("3", TimeSpan.Zero);
        var drained = await scanner.NextAsync(_store, AllShards, 8, Now);
        Assert.False(scanner.Deep);
        var small = await scanner.NextAsync(_store, AllShards, 8, Now);
        Assert.True(small.Complete);
        Assert.Single(drained.Candidates.Concat(small.Candidates).DistinctBy(c => c.TaskId));
    }
}
