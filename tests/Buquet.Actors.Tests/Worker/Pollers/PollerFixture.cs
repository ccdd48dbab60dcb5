using Akka.Actor;
using Akka.Actor.Internal;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Handlers;
using Microsoft.Extensions.Time.Testing;
using Buquet.Actors.Worker.Pollers;

namespace Buquet.Actors.Tests.Worker.Pollers;

/// <summary>
/// One poller under test, its supervisor played by a probe: in-memory store behind a request counter, a real
/// <see cref="StoreClock"/> over that counter (so clock probes are counted), virtual time. <see cref="StepAsync"/>
/// advances virtual time in steps and, after each, waits until the poller has settled: handled everything that fell
/// due and what it told itself to do next (StateAsync, two equal answers in a row with an empty mailbox).
/// </summary>
internal sealed class PollerFixture : IAsyncDisposable
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    public PollerFixture(int concurrency = 4, PollingSettings? polling = null, bool wakeHints = true, int seed = 3)
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 10, TimeSpan.Zero));
        Memory = new InMemoryObjectStore(Clock);
        Counting = new RequestCountingObjectStore(Memory);
        StoreClock = new StoreClock(Counting, Clock, TimeSpan.FromSeconds(5));
        var settings = new WorkerSettings
        {
            WorkerId = "worker-poll",
            Concurrency = concurrency,
            Polling = polling ?? new WorkerSettings { WorkerId = "x" }.Polling,
            WakeHints = wakeHints,
        };
        Runtime = WorkerFactory.CreateRuntime(Counting, settings, new TaskHandlerRegistry(), 1, Clock, SeededRandom.Source(seed), null, StoreClock);
        Actors = new ActorTestSystem(Clock);
        System = Actors.System;
        Supervisor = new RecordingRef(System);
        Activity = System.ActorOf(WorkerActivity.Props(), "activity");
        Hints = new WakeHintPublisher(Memory, Clock);
    }

    public FakeTimeProvider Clock { get; }

    public InMemoryObjectStore Memory { get; }

    public RequestCountingObjectStore Counting { get; }

    public StoreClock StoreClock { get; }

    public WorkerRuntime Runtime { get; }

    public ActorTestSystem Actors { get; }

    public ActorSystem System { get; }

    public RecordingRef Supervisor { get; }

    /// <summary>The worker's activity actor the poller reports to.</summary>
    public IActorRef Activity { get; }

    /// <summary>The activity state once the poller's reports so far are processed.</summary>
    public async Task<WorkerActivity.Changed> ActivityAsync()
    {
        await StateAsync();
        return await Activity.Ask<WorkerActivity.Changed>(WorkerActivity.GetState.Instance, Guard);
    }

    /// <summary>A producer's hint publisher (writes to the uncounted store).</summary>
    public WakeHintPublisher Hints { get; }

    public IActorRef? Actor { get; private set; }

    /// <summary>Starts the poller over <paramref name="shards"/> (default every shard) and grants it <paramref name="free"/> slots.</summary>
    public async Task<IActorRef> StartAsync(int? free = null, IReadOnlyList<string>? shards = null)
    {
        Actor = System.ActorOf(Poller.Props(Runtime, Supervisor, shards ?? Runtime.Repository.Shards.All, Activity), "poller");
        await StateAsync();
        Assert.IsType<Poller.Started>(Supervisor.Take());
        Actor.Tell(new Poller.Capacity(free ?? Runtime.Settings.Concurrency), Supervisor);
        return Actor;
    }

    /// <summary>The poller's state once it has settled (see <see cref="ProbeExtensions.SettledAsync{T}"/>).</summary>
    public Task<Poller.State> StateAsync() => Actor!.SettledAsync<Poller.State>(Poller.GetState.Instance, Guard);

    /// <summary>Advances <paramref name="total"/> in steps, settling after each.</summary>
    public async Task StepAsync(TimeSpan total, TimeSpan? step = null)
    {
        var s = step ?? TimeSpan.FromMilliseconds(250);
        for (var t = TimeSpan.Zero; t < total; t += s)
        {
            Clock.Advance(s);
            await StateAsync();
        }
    }

    /// <summary>Steps until the poller offers candidates; returns them and the virtual time it took.</summary>
    public async Task<(Poller.Candidates Batch, TimeSpan After)> StepUntilCandidatesAsync(TimeSpan limit, TimeSpan? step = null)
    {
        var s = step ?? TimeSpan.FromMilliseconds(100);
        var start = Clock.GetUtcNow();
        while (Clock.GetUtcNow() - start <= limit)
        {
            Clock.Advance(s);
            await StateAsync();
            if (Supervisor.Take() is { } message)
            {
                return (Assert.IsType<Poller.Candidates>(message), Clock.GetUtcNow() - start);
            }
        }

        throw new TestKitException($"No candidates within {limit} of virtual time.");
    }

    /// <summary>Steps until the poller reports idle (at most <paramref name="limit"/>).</summary>
    public async Task UntilIdleAsync(TimeSpan? limit = null)
    {
        var start = Clock.GetUtcNow();
        while (!(await StateAsync()).Idle)
        {
            if (Clock.GetUtcNow() - start > (limit ?? TimeSpan.FromMinutes(2)))
            {
                throw new TestKitException("The poller did not go idle.");
            }

            Clock.Advance(TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>Writes a ready-index key for a new task id in <paramref name="shard"/> (no task object, no hint).</summary>
    public async Task<Guid> ReadyKeyAsync(string shard, TimeSpan? offset = null)
    {
        var id = Guid.Parse(shard + Guid.NewGuid().ToString("N")[1..]);
        await Memory.PutAsync(TaskKeys.Ready(shard, Clock.GetUtcNow() + (offset ?? TimeSpan.Zero), id), Array.Empty<byte>(), PutCondition.None);
        return id;
    }

    public ValueTask DisposeAsync()
    {
        Actors.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Plays the supervisor: records what the poller tells it, synchronously (no mailbox in between).</summary>
internal sealed class RecordingRef : MinimalActorRef
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<object> _messages = new();

    public RecordingRef(ActorSystem system)
    {
        Provider = ((ExtendedActorSystem)system).Provider;
        Path = new RootActorPath(Provider.DefaultAddress) / "temp" / "supervisor";
    }

    public override ActorPath Path { get; }

    public override IActorRefProvider Provider { get; }

    /// <summary>The oldest message not taken yet, or null.</summary>
    public object? Take() => _messages.TryDequeue(out var m) ? m : null;

    protected override void TellInternal(object message, IActorRef sender) => _messages.Enqueue(message);
}
