using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;
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
    private sealed class HintCountingStore(IObjectStore inner) : DelegatingObjectStore(inner)
    {
        private int _hintPuts;

        public bool FailHints { get; init; }

        public int HintPuts => Volatile.Read(ref _hintPuts);

        public override Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default)
        {
            if (key == WakeHints.Key)
            {
                if (FailHints)
                {
                    throw new ObjectStoreUnavailableException("hint PUT refused by the test");
                }

                Interlocked.Increment(ref _hintPuts);
            }

            return Inner.PutAsync(key, body, condition, cancellationToken);
        }
    }
}
