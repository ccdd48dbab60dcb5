using Akka.Actor;
using Akka.Pattern;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Worker.ShardLeases;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Worker.Pollers;
using Buquet.Actors.Worker.ShardLeases;
using Buquet.Actors.Worker.Supervisor;

namespace Buquet.Actors.Tests.Worker.Supervisor;

/// <summary>
/// The poller runs under a backoff supervisor: a crashed poller is rebuilt from its first props (with shard leasing: no
/// shard), and what was sent to it while it was down went to dead letters.
/// </summary>
public sealed class PollerRestartTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    /// <summary>Plays the shard-lease owner: reports every shard as owned once, at start.</summary>
    private sealed class OwnsAllShards : ReceiveActor
    {
        private readonly IActorRef _subscriber;
        private readonly IReadOnlySet<string> _shards;

        public OwnsAllShards(IActorRef subscriber, IReadOnlySet<string> shards)
        {
            _subscriber = subscriber;
            _shards = shards;
            ReceiveAny(_ => { });
        }

        protected override void PreStart() => _subscriber.Tell(new ShardLeasing.OwnedShardsChanged(_shards), Self);
    }

    [Fact]
    public async Task PollerStarted_AfterCrashWithShardsLeased_RestartedPollerPollsTheOwnedShards()
    {
        var store = new OutageObjectStore(_h.Memory) { Down = true };
        store.Fault = () =>
        {
            store.Down = false; // the poller's first request fails once with an unexpected error: it crashes
            return new InvalidOperationException("unexpected (test)");
        };
        var runtime = _h.Runtime(WorkerHarness.Settings(), new TaskHandlerRegistry(), store);
        var all = runtime.Repository.Shards.All.ToHashSet(StringComparer.Ordinal);
        var worker = WorkerFactory.Start(_h.System, runtime, companions: new WorkerCompanions(
            ShardLease: (subscriber, _) => ActorProps.FromFactory(() => new OwnsAllShards(subscriber, all))));
        await worker.Ask<WorkerStatus>(WorkerSupervisor.GetStatus.Instance, WorkerHarness.Guard); // its children exist now
        var poller = _h.System.ActorSelection(worker.Path / "poller-supervisor");

        var state = await _h.PumpUntilAsync(RestartedStateAsync(poller), TimeSpan.FromMilliseconds(100));

        Assert.Equal(all.Count, state.Shards);
        Assert.False(store.Down);
    }

    /// <summary>The poller's state once it has been restarted and polls some shard (each check after a pump step).</summary>
    private async Task<Poller.State> RestartedStateAsync(ActorSelection poller)
    {
        while (true)
        {
            var restarts = await poller.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, WorkerHarness.Guard);
            if (restarts.Count > 0 && await TryStateAsync(poller) is { Shards: > 0 } state)
            {
                return state;
            }

            await VirtualStepAsync(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Completes once <paramref name="step"/> of virtual time has passed (the pump advances it).</summary>
    private Task VirtualStepAsync(TimeSpan step)
    {
        var passed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timer = _h.Clock.CreateTimer(_ => passed.TrySetResult(), null, step, Timeout.InfiniteTimeSpan);
        return passed.Task.ContinueWith(_ => timer.Dispose(), TaskScheduler.Default);
    }

    private static async Task<Poller.State?> TryStateAsync(ActorSelection poller)
    {
        try
        {
            return await poller.Ask<Poller.State>(Poller.GetState.Instance, TimeSpan.FromMilliseconds(200));
        }
        catch (AskTimeoutException)
        {
            return null; // the child is down (backoff): the request went to dead letters
        }
    }
}
