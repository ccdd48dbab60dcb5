using Buquet.Actors.Configuration;
using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Worker.Maintenance;
using Buquet.Actors.Worker.Registry;
using Buquet.Actors.Worker.ShardLeases;
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
        IStoreClock? clock = null,
        IFleetSignals? signals = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(handlers);
        settings.Validate();
        KeyComponents.ValidateWorkerId(settings.WorkerId);
        var logs = loggerFactory ?? NullLoggerFactory.Instance;
        var timeProvider = time ?? TimeProvider.System;
        var hints = settings.WakeHints ? new WakeHintPublisher(store, timeProvider, null, logs.CreateLogger<WakeHintPublisher>()) { Touched = signals is null ? null : signals.HintTouched } : null;
        var repository = new TaskRepository(store, clock ?? new StoreClock(store, timeProvider), shardPrefixLength, logs.CreateLogger<TaskRepository>(), hints)
        {
            Signals = signals,
            DeferredDeletes = settings.IndexDeleteBatchWindow > TimeSpan.Zero
                ? new IndexDeleteBatch(store, settings.IndexDeleteBatchWindow, timeProvider, logs.CreateLogger<IndexDeleteBatch>())
                : null,
        };
        return new WorkerRuntime(settings, repository, handlers, timeProvider, random ?? Jitter.Default, logs)
        {
            Schemas = settings.ValidateInput || settings.ValidateOutput ? new Schemas.SchemaCache(store, timeProvider, settings.SchemaRefreshInterval) : null,
        };
    }

    /// <summary>The shards polled when shard leasing is off: the configured list, or every shard of the space.</summary>
    public static IReadOnlyList<string> PolledShards(WorkerRuntime runtime) =>
        runtime.Settings.Shards.Count > 0 ? runtime.Settings.Shards : runtime.Repository.Shards.All;

    /// <summary>Starts the supervisor (named <see cref="SupervisorName"/>) polling <paramref name="shards"/> (default: <see cref="PolledShards"/>).</summary>
    public static IActorRef Start(ActorSystem system, WorkerRuntime runtime, IReadOnlyList<string>? shards = null, string name = SupervisorName, WorkerCompanions? companions = null, IActorRef? activity = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.ActorOf(WorkerSupervisor.Props(runtime, shards ?? (companions?.ShardLease is null ? PolledShards(runtime) : []), companions, activity), name);
    }

    /// <summary>
    /// The companion actors configured in <paramref name="options"/>: the monitor (<c>monitor.enabled</c>), the
    /// registry heartbeat (always), shard leases (<c>worker.shard-leasing.enabled</c>) and retention (some
    /// <c>retention</c> age above zero).
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="runtime">The worker's runtime.</param>
    /// <param name="clusterStatus">The clustered fleet's state for the registry entry (ADR 0026), written with the pickups by
    /// path (ADR 0027); null when off.</param>
    public static WorkerCompanions Companions(BuquetOptions options, WorkerRuntime runtime, Func<string>? clusterStatus = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtime);
        var logs = runtime.LoggerFactory;
        var id = runtime.Settings.WorkerId;
        Func<IActorRef, Props>? monitor = options.Monitor.Enabled
            ? activity => MaintenanceMonitor.Props(MaintenanceMonitor.Settings.FromOptions(options.Monitor), runtime.Repository, runtime.Random, null, logs.CreateLogger("Buquet.Actors.Worker.Monitor"), activity)
            : null;
        ShardLeaseManager? manager = options.Worker.ShardLeasing.Enabled
            ? new ShardLeaseManager(runtime.Store, runtime.Clock, runtime.Time, id, ShardLeaseSettings.From(options), null, logs.CreateLogger<ShardLeaseManager>())
            : null;
        var polled = PolledShards(runtime);
        var registry = new WorkerRegistry(runtime.Store, runtime.Clock, id, () => manager is null ? polled : manager.OwnedShards, logs.CreateLogger<WorkerRegistry>(), runtime.Handlers.TaskTypes.Where(runtime.Claims), clusterStatus,
            clusterStatus is null ? null : runtime.Pickups.Snapshot);
        Func<IActorRef, Props> heartbeat = activity => WorkerHeartbeat.Props(registry, WorkerHeartbeat.Settings.FromOptions(options.Worker), runtime.Random, null, logs.CreateLogger("Buquet.Actors.Worker.Registry"), activity);
        Func<IActorRef, IActorRef, Props>? shardLease = manager is null
            ? null
            : (subscriber, activity) => ShardLeasing.Props(manager, StoreBackoff.Default, runtime.Random, subscriber, null, logs.CreateLogger("Buquet.Actors.Worker.ShardLeases"), activity);
        var retentionSettings = Retention.Settings.FromOptions(options.Retention);
        var polledSet = polled.ToHashSet(StringComparer.Ordinal);
        // Fenced by shard leases when they are on: only the shards this worker holds right now are swept.
        var retention = retentionSettings.Policy.Enabled
            ? (Func<IActorRef, Props>)(activity => Retention.Props(retentionSettings, runtime.Repository, manager is null ? () => polledSet : () => manager.OwnedShards, runtime.Random, null, logs.CreateLogger("Buquet.Actors.Worker.Retention"), activity))
            : null;
        return new WorkerCompanions(monitor, heartbeat, shardLease, retention);
    }

    /// <summary>A new worker id like buquet's default: <c>worker-</c> and 8 hex digits.</summary>
    public static string NewWorkerId() => "worker-" + Guid.NewGuid().ToString("N")[..8];
}
