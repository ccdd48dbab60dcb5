using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Protocol;

public sealed class WorkerDirectoryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _store;
    private readonly StoreClock _clock;

    public WorkerDirectoryTests()
    {
        _store = new InMemoryObjectStore(_time);
        _clock = new StoreClock(_store, _time, TimeSpan.FromHours(1));
    }

    [Theory]
    [InlineData("workers/worker-a.json", true, "worker-a")]
    [InlineData("workers/.json", false, "")]
    [InlineData("workers/notes.txt", false, "")]
    [InlineData("workers/nested/thing.json", false, "")]
    [InlineData("shard-leases/0.json", false, "")]
    public void TryParseWorkerKey_Key_EntryOnlyForWorkersIdJson(string key, bool expected, string expectedId)
    {
        var parsed = TaskKeys.TryParseWorkerKey(key, out var id);

        Assert.Equal(expected, parsed);
        Assert.Equal(expectedId, id);
    }

    [Fact]
    public async Task ListEntriesAsync_ForeignKeysAndLimit_OnlyEntriesUpToTheLimit()
    {
        foreach (var id in new[] { "w1", "w2", "w3" })
        {
            await new WorkerRegistry(_store, _clock, id, () => ["0"]).RegisterAsync();
        }

        await _store.PutAsync("workers/notes.txt", "hello"u8.ToArray(), PutCondition.None);
        await _store.PutAsync("workers/nested/thing.json", "{}"u8.ToArray(), PutCondition.None);

        var all = await WorkerDirectory.ListEntriesAsync(_store).Select(e => e.WorkerId).ToArrayAsync();
        var two = await WorkerDirectory.ListEntriesAsync(_store, limit: 2).Select(e => e.WorkerId).ToArrayAsync();

        Assert.Equal(["w1", "w2", "w3"], all);
        Assert.Equal(["w1", "w2"], two);
    }

    [Fact]
    public async Task ListWorkersAsync_UnreadableEntry_SkippedAndToldToTheCallback()
    {
        await new WorkerRegistry(_store, _clock, "ok", () => ["0"]).RegisterAsync();
        await _store.PutAsync("workers/garbage.json", "{nope"u8.ToArray(), PutCondition.None);
        var unreadable = new List<string>();

        var workers = await WorkerDirectory.ListWorkersAsync(_store, unreadable: e => unreadable.Add(e.Key));

        Assert.Equal(["ok"], workers.Select(w => w.WorkerId).ToArray());
        Assert.Equal(["workers/garbage.json"], unreadable);
    }
}
