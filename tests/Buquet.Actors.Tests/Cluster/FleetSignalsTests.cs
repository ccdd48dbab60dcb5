using System.Collections.Concurrent;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Worker;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>Where a cluster member publishes (ADR 0026): after a write that makes a task ready now, and after a cancel request's CAS.</summary>
public sealed class FleetSignalsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingSignals _signals = new();
    private readonly InMemoryObjectStore _store;
    private readonly BuquetClient _client;

    public FleetSignalsTests()
    {
        _store = new InMemoryObjectStore(_clock);
        _client = new BuquetClient(_store, new BuquetClientOptions(), new FakeStoreClock(_clock), _clock, null, _signals);
    }

    [Fact]
    public async Task SubmitAsync_AvailableNow_PublishesItsReadyKeyOnce()
    {
        var task = await _client.SubmitAsync("t", 1);

        Assert.Equal([TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id)], _signals.Ready);
        Assert.True(await _store.HeadAsync(_signals.Ready.Single()) is not null, "published after the ready key was written");
    }

    [Fact]
    public async Task SubmitAsync_Delayed_PublishesNothing()
    {
        await _client.SubmitAsync("t", 1, new SubmitOptions { Delay = TimeSpan.FromMinutes(5) });

        Assert.Empty(_signals.Ready);
    }

    [Fact]
    public async Task CancelAsync_Running_PublishesTheTaskIdAfterTheRequest()
    {
        var task = await _client.SubmitAsync("t", 1);
        var repository = _client.Repository;
        var claimed = await repository.ApplyAsync(task.Id, (t, now) => TaskTransitions.Claim(t, now, new ClaimRequest("w", Guid.NewGuid())));
        Assert.Equal(CasStatus.Written, claimed.Status);

        var result = await _client.CancelAsync(task.Id);

        Assert.Equal(TaskOperationStatus.CancellationRequested, result.Status);
        Assert.Equal([task.Id], _signals.Cancels);
        Assert.True((await _client.GetAsync(task.Id))!.CancelRequested);
    }

    [Fact]
    public async Task CancelAsync_Pending_PublishesNoCancel()
    {
        var task = await _client.SubmitAsync("t", 1);

        await _client.CancelAsync(task.Id);

        Assert.Empty(_signals.Cancels);
    }

    private sealed class RecordingSignals : IFleetSignals
    {
        private readonly ConcurrentQueue<string> _ready = new();
        private readonly ConcurrentQueue<Guid> _cancels = new();

        public IReadOnlyList<string> Ready => [.. _ready];

        public IReadOnlyList<Guid> Cancels => [.. _cancels];

        public void TaskReady(string readyKey) => _ready.Enqueue(readyKey);

        public void CancelRequested(Guid taskId) => _cancels.Enqueue(taskId);
    }
}
