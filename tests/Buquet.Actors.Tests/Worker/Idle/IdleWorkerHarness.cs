using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Actors.Worker.Handlers;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Worker.Idle;

/// <summary>
/// Whole workers as the host composes them (supervisor, poller, registry, shard leases, monitor, scheduler; default
/// options, real <see cref="StoreClock"/>), on one in-memory store counted by key root, in virtual time.
/// </summary>
internal sealed class IdleWorkerHarness : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(120);

    /// <summary>
    /// A step ends once no request came for this long (real time): the actors have re-armed their timers. 15 ms was
    /// too short on a machine at load 30+, where a step could end before a heartbeat re-armed and virtual time was lost.
    /// </summary>
    private static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(40);
    private readonly List<ActorSystem> _systems = [];

    public IdleWorkerHarness(Action<BuquetOptions>? configure = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        Memory = new InMemoryObjectStore(Time);
        Store = new PrefixCountingObjectStore(Memory);
        Options = new BuquetOptions();
        configure?.Invoke(Options);
    }

    public FakeTimeProvider Time { get; }

    public InMemoryObjectStore Memory { get; }

    public PrefixCountingObjectStore Store { get; }

    public BuquetOptions Options { get; }

    public List<WorkerRuntime> Runtimes { get; } = [];

    /// <summary>Each worker's supervisor, in start order.</summary>
    public List<IActorRef> Supervisors { get; } = [];

    /// <summary>Each worker's activity actor, in start order.</summary>
    public List<IActorRef> Activities { get; } = [];

    /// <summary>Starts one worker (and its scheduler) in its own actor system, as <c>buquet worker</c> does.</summary>
    /// <param name="id">The worker id.</param>
    /// <param name="seed">Its random seed.</param>
    /// <param name="fleet">A clustered fleet's signals (ADR 0026); null = cluster off.</param>
    public WorkerRuntime StartWorker(string id, int seed, IFleetSignals? fleet = null)
    {
        var system = TestActorSystem.Create(Time);
        _systems.Add(system);
        var handlers = new TaskHandlerRegistry();
        handlers.AddBuiltIns(Time);
        var runtime = WorkerFactory.CreateRuntime(
            Store, WorkerSettings.FromOptions(Options, id), handlers, Options.Queue.ShardPrefixLength, Time,
            SeededRandom.Source(seed), null, new StoreClock(Store, Time, Options.Clock.SyncInterval, Options.Clock.EstimateMaxAge), fleet);
        var activity = system.ActorOf(WorkerActivity.Props(), "worker-activity");
        Activities.Add(activity);
        Supervisors.Add(WorkerFactory.Start(system, runtime, companions: WorkerFactory.Companions(Options, runtime), activity: activity));
        if (Options.Scheduler.Enabled)
        {
            var client = new BuquetClient(Store, new BuquetClientOptions(), runtime.Clock, Time, null);
            system.ActorOf(Scheduler.Props(client, Scheduler.Settings.FromConfig(Options.Scheduler, id) with { Activity = activity }), "scheduler");
        }

        Runtimes.Add(runtime);
        return runtime;
    }

    /// <summary>Advances virtual time by <paramref name="total"/> in <paramref name="step"/>s, letting the actors finish
    /// the requests each step starts (a step ends once no request came for a few real milliseconds).</summary>
    public async Task RunAsync(TimeSpan total, TimeSpan step)
    {
        var started = TimeProvider.System.GetTimestamp();
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += step)
        {
            Time.Advance(step);
            await QuietAsync();
            if (TimeProvider.System.GetElapsedTime(started) > Guard)
            {
                throw new TestKitException($"Virtual run of {total} did not finish within {Guard} (at {elapsed}).");
            }
        }
    }

    /// <summary>Waits until no request arrives for a few real milliseconds (a guard, not a timing assumption).</summary>
    public async Task QuietAsync()
    {
        while (true)
        {
            try
            {
                await Store.NextRequest.WaitAsync(QuietWindow);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems)
        {
            await system.Terminate().WaitAsync(Guard);
        }
    }
}
