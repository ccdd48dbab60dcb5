using Buquet.Actors.Client;
using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Worker;

/// <summary>The store clock of tests: the fake clock itself (the in-memory store's time).</summary>
internal sealed class FakeStoreClock(TimeProvider time) : IStoreClock
{
    public ValueTask<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(time.GetUtcNow());
}

/// <summary>
/// A worker under test: in-memory store, fake clock, seeded randomness, a client to submit, and a probe receiving
/// every <see cref="Executor.ExecutionFinished"/>. Pumps virtual time forward only while waiting on a signal.
/// </summary>
internal sealed class WorkerHarness : IAsyncDisposable
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly List<ActorSystem> _systems = [];

    public WorkerHarness(IObjectStore? store = null, int seed = 1)
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        Memory = new InMemoryObjectStore(Clock);
        Store = store ?? Memory;
        StoreClock = new FakeStoreClock(Clock);
        Client = new BuquetClient(Memory, new BuquetClientOptions(), StoreClock, Clock, null);
        Repository = new TaskRepository(Memory, StoreClock, 1);
        System = NewSystem(seed);
        Finished = System.CreateProbe("finished");
        Finished.SubscribeTo<Executor.ExecutionFinished>();
    }

    public FakeTimeProvider Clock { get; }

    public InMemoryObjectStore Memory { get; }

    public IObjectStore Store { get; }

    public IStoreClock StoreClock { get; }

    public BuquetClient Client { get; }

    public TaskRepository Repository { get; }

    public ActorSystem System { get; }

    public TestProbe Finished { get; }

    public static WorkerSettings Settings(string id = "worker-test", int concurrency = 4) => new()
    {
        WorkerId = id,
        Concurrency = concurrency,
        Polling = new PollingSettings(Buquet.Actors.Configuration.PollingStrategy.Adaptive, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromMilliseconds(500), 0.1),
        TimeoutGrace = TimeSpan.FromSeconds(2),
        DrainDeadline = TimeSpan.FromSeconds(10),
        ShutdownGrace = TimeSpan.FromSeconds(5),
    };

    public ActorSystem NewSystem(int seed)
    {
        var system = TestActorSystem.Create(Clock);
        _systems.Add(system);
        return system;
    }

    public WorkerRuntime Runtime(WorkerSettings settings, TaskHandlerRegistry handlers, IObjectStore? store = null, int seed = 7) =>
        WorkerFactory.CreateRuntime(store ?? Store, settings, handlers, 1, Clock, SeededRandom.Source(seed), null, StoreClock);

    public IActorRef StartWorker(WorkerSettings settings, TaskHandlerRegistry handlers, ActorSystem? system = null, IObjectStore? store = null) =>
        WorkerFactory.Start(system ?? System, Runtime(settings, handlers, store));

    /// <summary>Collects <paramref name="count"/> finished executions, advancing virtual time by <paramref name="step"/> whenever none arrives.</summary>
    public async Task<List<Executor.ExecutionFinished>> PumpUntilFinishedAsync(int count, TimeSpan? step = null, TestProbe? probe = null)
    {
        probe ??= Finished;
        var got = new List<Executor.ExecutionFinished>();
        var start = TimeProvider.System.GetTimestamp();
        while (got.Count < count)
        {
            if (TimeProvider.System.GetElapsedTime(start) > Guard)
            {
                throw new TestKitException($"Only {got.Count} of {count} executions finished within {Guard}.");
            }

            if (await probe.TryReceiveAsync<Executor.ExecutionFinished>(TimeSpan.FromMilliseconds(20)) is { } finished)
            {
                got.Add(finished);
            }
            else
            {
                Clock.Advance(step ?? TimeSpan.FromMilliseconds(200));
            }
        }

        return got;
    }

    /// <summary>Advances virtual time in steps until a probe's expectation completes (real-time guard).</summary>
    public Task<T> PumpUntilAsync<T>(ValueTask<T> signal, TimeSpan? step = null) => PumpUntilAsync(signal.AsTask(), step);

    /// <summary>Advances virtual time in steps until <paramref name="signal"/> completes (real-time guard).</summary>
    public async Task<T> PumpUntilAsync<T>(Task<T> signal, TimeSpan? step = null)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!signal.IsCompleted)
        {
            if (TimeProvider.System.GetElapsedTime(start) > Guard)
            {
                throw new TestKitException($"Signal not completed within {Guard}.");
            }

            try
            {
                return await signal.WaitAsync(TimeSpan.FromMilliseconds(20));
            }
            catch (TimeoutException)
            {
                Clock.Advance(step ?? TimeSpan.FromMilliseconds(200));
            }
        }

        return await signal;
    }

    public async Task<TaskRecord> GetAsync(Guid id) => (await Client.GetAsync(id))!;

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems)
        {
            await system.Terminate().WaitAsync(Guard);
        }
    }
}

/// <summary>Helpers for test handlers.</summary>
internal static class TestHandlers
{
    /// <summary>Blocks until the context's token fires, then throws <see cref="OperationCanceledException"/>.</summary>
    public static Task WaitForCancellationAsync(Buquet.Actors.Worker.Handlers.TaskContext ctx) =>
        new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously).Task.WaitAsync(ctx.CancellationToken);
}
