using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Client;

public sealed class BuquetClientWakeHintTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private async Task<string?> HintETagAsync(IObjectStore store) => (await store.HeadAsync(WakeHints.Key))?.ETag;

    [Fact]
    public async Task SubmitAsync_WakeHintsOn_TouchesTheHintAfterTheReadyKey()
    {
        var store = new InMemoryObjectStore(_time);
        var client = new BuquetClient(store, new BuquetClientOptions(), _time);

        var task = await client.SubmitAsync("hint.type", 1);

        var hint = await store.HeadAsync(WakeHints.Key);
        Assert.NotNull(hint);
        var ready = Assert.Single((await store.ListAsync(new ListRequest(TaskKeys.ReadyRoot))).Objects);
        Assert.EndsWith(task.Id.ToString("D"), ready.Key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitManyAsync_BurstOfFifty_OneTouchThenOneTrailingTouch()
    {
        var store = new InMemoryObjectStore(_time);
        var counted = new HintCountingStore(store);
        var client = new BuquetClient(counted, new BuquetClientOptions(), _time);

        var results = await client.SubmitManyAsync(Enumerable.Range(0, 50).Select(i => new TaskSubmission("hint.type", i)));
        var afterBurst = counted.HintPuts;
        _time.Advance(TimeSpan.FromSeconds(1));
        await client.Repository.WakeHints!.WhenTouchedAsync();
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(1, afterBurst);
        Assert.Equal(2, counted.HintPuts);
    }

    [Fact]
    public async Task SubmitAsync_HintPutFails_SubmitStillSucceeds()
    {
        var store = new InMemoryObjectStore(_time);
        var client = new BuquetClient(new HintCountingStore(store) { FailHints = true }, new BuquetClientOptions(), _time);

        var task = await client.SubmitAsync("hint.type", 1);

        Assert.Equal(BuquetTaskStatus.Pending, (await client.GetAsync(task.Id))!.Status);
        Assert.Equal(1, client.Repository.WakeHints!.Failures);
        Assert.Null(await HintETagAsync(store));
    }

    [Fact]
    public async Task SubmitAsync_WakeHintsOff_WritesNoHint()
    {
        var store = new InMemoryObjectStore(_time);
        var client = new BuquetClient(store, new BuquetClientOptions { WakeHints = false }, _time);

        await client.SubmitAsync("hint.type", 1);

        Assert.Null(await HintETagAsync(store));
        Assert.Null(client.Repository.WakeHints);
    }

    [Fact]
    public async Task ReplayAsync_FailedTask_TouchesTheHintAgain()
    {
        var store = new InMemoryObjectStore(_time);
        var client = new BuquetClient(store, new BuquetClientOptions(), _time);
        var task = await client.SubmitAsync("hint.type", 1, new SubmitOptions { MaxRetries = 0 });
        var held = (await client.Repository.ClaimAsync(task.Id, "worker-h")).Snapshot!;
        await client.Repository.FailAsync(held, "boom");
        var before = await HintETagAsync(store);
        _time.Advance(TimeSpan.FromSeconds(2));

        var replay = await client.ReplayAsync(task.Id);

        Assert.Equal(TaskOperationStatus.Applied, replay.Status);
        Assert.NotEqual(before, await HintETagAsync(store));
    }

    /// <summary>Counts (or fails) PUTs of the hint key only.</summary>
    private sealed class HintCountingStore(IObjectStore inner) : IObjectStore
    {
        private int _hintPuts;

        public bool FailHints { get; init; }

        public int HintPuts => Volatile.Read(ref _hintPuts);

        public StoreCapabilities Capabilities => inner.Capabilities;

        public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default)
        {
            if (key == WakeHints.Key)
            {
                if (FailHints)
                {
                    throw new ObjectStoreUnavailableException("hint PUT refused by the test");
                }

                Interlocked.Increment(ref _hintPuts);
            }

            return inner.PutAsync(key, body, condition, cancellationToken);
        }

        public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) => inner.GetVersionAsync(key, versionId, cancellationToken);

        public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) => inner.HeadAsync(key, cancellationToken);

        public Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, ifMatchETag, cancellationToken);

        public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) => inner.ListAsync(request, cancellationToken);

        public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) => inner.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken);

        public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) => inner.GetServerTimeAsync(cancellationToken);
    }
}
