using Buquet.Actors.Kernel;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Worker.Supervisor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Worker;

/// <summary>Builds a worker's runtime and starts its supervisor in an actor system (INTERNAL API; hosting and tests).</summary>
internal static class WorkerFactory
{
    public const string SupervisorName = "worker";

    public static WorkerRuntime CreateRuntime(
        IObjectStore store,
        WorkerSettings settings,
        TaskHandlerRegistry handlers,
        int shardPrefixLength,
        TimeProvider? time = null,
        Func<double>? random = null,
        ILoggerFactory? loggerFactory = null,
        IStoreClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(handlers);
        settings.Validate();
        KeyComponents.ValidateWorkerId(settings.WorkerId);
        var logs = loggerFactory ?? NullLoggerFactory.Instance;
        var timeProvider = time ?? TimeProvider.System;
        var repository = new TaskRepository(store, clock ?? new StoreClock(store, timeProvider), shardPrefixLength, logs.CreateLogger<TaskRepository>());
        return new WorkerRuntime(settings, repository, handlers, timeProvider, random ?? DefaultRandom, logs);
    }

    /// <summary>The shards polled when shard leasing is off: the configured list, or every shard of the space.</summary>
    public static IReadOnlyList<string> PolledShards(WorkerRuntime runtime) =>
        runtime.Settings.Shards.Count > 0 ? runtime.Settings.Shards : runtime.Repository.Shards.All;

    /// <summary>Starts the supervisor (named <see cref="SupervisorName"/>) polling <paramref name="shards"/> (default: <see cref="PolledShards"/>).</summary>
    public static IActorRef Start(ActorSystem system, WorkerRuntime runtime, IReadOnlyList<string>? shards = null, Func<Task>? onStopped = null, string name = SupervisorName)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.ActorOf(WorkerSupervisor.Props(runtime, shards ?? PolledShards(runtime), onStopped), name);
    }

    /// <summary>A new worker id like buquet's default: <c>worker-</c> and 8 hex digits.</summary>
    public static string NewWorkerId() => "worker-" + Guid.NewGuid().ToString("N")[..8];

    private static double DefaultRandom() => System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue;
}
