using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Kernel;
using Buquet.Actors.Kernel.Hosting;
using Buquet.Actors.Protocol;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Actors.Worker.Supervisor;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Buquet.Actors.Hosting;

/// <summary>Registers Buquet in a .NET generic host.</summary>
public static class BuquetHostingExtensions
{
    /// <summary>The actor system's name.</summary>
    public const string ActorSystemName = "buquet";

    /// <summary>
    /// Registers <see cref="BuquetOptions"/> (bound from the <c>buquet</c> section and validated at start), the
    /// <see cref="TimeProvider"/>, the configured <see cref="IObjectStore"/> (memory, local directory or S3; an
    /// <see cref="IObjectStore"/> registered before this call wins) and a <see cref="BuquetClient"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">Configuration, e.g. from <see cref="BuquetConfiguration.Build"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBuquet(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddBuquetOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IObjectStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<BuquetOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return Task.Run(() => ObjectStoreFactory.CreateAsync(options.Store, time)).GetAwaiter().GetResult();
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<BuquetOptions>>().Value;
            return new BuquetClient(
                sp.GetRequiredService<IObjectStore>(),
                ClientOptions(options),
                sp.GetService<TimeProvider>(),
                sp.GetService<ILogger<BuquetClient>>());
        });
        return services;
    }

    /// <summary>
    /// Registers the worker: an actor system whose supervisor starts with the host (claiming only the task types it
    /// has handlers for) and whose phased shutdown runs on host stop: stop claiming, drain until
    /// <c>worker.drain-deadline</c>, cancel, release after <c>worker.shutdown-grace</c>, deregister. A fatal
    /// actor-system failure stops the host with a non-zero exit code. Call <see cref="AddBuquet"/> first.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Registers handlers.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBuquetWorker(this IServiceCollection services, Action<BuquetWorkerBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new BuquetWorkerBuilder();
        configure?.Invoke(builder);
        services.AddSingleton(builder);
        services.TryAddSingleton<WorkerInstance>();
        services.AddActorSystem(ActorSystemName, system =>
        {
            system.FatalExitCode = builder.FatalExitCode;
            system.SetExitCode = builder.SetExitCode;
            system.WithOptions((sp, o) =>
            {
                var worker = sp.GetRequiredService<IOptions<BuquetOptions>>().Value.Worker;
                return o with { ShutdownPhases = Phases(worker.DrainDeadline + worker.ShutdownGrace + TimeSpan.FromSeconds(10)) };
            });
            system.WithActors((actorSystem, registry, sp) => sp.GetRequiredService<WorkerInstance>().Start(actorSystem, registry));
        });
        return services;
    }

    internal static BuquetClientOptions ClientOptions(BuquetOptions options)
    {
        var q = options.Queue;
        return new BuquetClientOptions
        {
            ShardPrefixLength = q.ShardPrefixLength,
            OffloadLargePayloads = q.PayloadOffloadEnabled,
            PayloadOffloadThresholdBytes = (int)Math.Clamp(q.PayloadOffloadThreshold, 0, int.MaxValue),
            DefaultTimeout = q.DefaultTimeout,
            DefaultMaxRetries = q.DefaultMaxRetries,
            DefaultRetryPolicy = new RetryPolicy(
                (long)q.RetryPolicy.InitialInterval.TotalMilliseconds,
                (long)q.RetryPolicy.MaxInterval.TotalMilliseconds,
                q.RetryPolicy.Multiplier,
                q.RetryPolicy.JitterPercent),
            IdempotencyTtl = q.IdempotencyTtl,
            ClockResyncInterval = options.Clock.SyncInterval,
            WakeHints = q.WakeHints,
        };
    }

    private static IReadOnlyList<ShutdownPhase> Phases(TimeSpan drain) =>
        [.. CoordinatedShutdown.DefaultPhases.Select(p => p.Name == CoordinatedShutdown.Drain ? p with { Timeout = drain } : p)];
}

/// <summary>The worker of this host: builds the runtime from options and starts the supervisor (INTERNAL API).</summary>
internal sealed class WorkerInstance(
    IOptions<BuquetOptions> options,
    IObjectStore store,
    TimeProvider time,
    BuquetWorkerBuilder builder,
    ILoggerFactory? loggerFactory = null) : IDisposable
{
    private Diagnostics.ExecutionLogWriter? _executionLog;

    public IActorRef? Supervisor { get; private set; }

    public WorkerRuntime? Runtime { get; private set; }

    public void Start(ActorSystem system, ActorRegistry registry)
    {
        var o = options.Value;
        var id = builder.WorkerId ?? (string.IsNullOrEmpty(o.Worker.Id) ? WorkerFactory.NewWorkerId() : o.Worker.Id);
        var handlers = builder.Handlers;
        if (o.Worker.BuiltInHandlers)
        {
            handlers.AddBuiltIns(time);
        }

        var logs = loggerFactory ?? NullLoggerFactory.Instance;
        var settings = WorkerSettings.FromOptions(o, id) with { Json = builder.JsonOptions ?? throw new InvalidOperationException("BuquetWorkerBuilder.JsonOptions must not be null.") };
        _executionLog = string.IsNullOrWhiteSpace(o.Worker.ExecutionLog)
            ? null
            : new Diagnostics.ExecutionLogWriter(o.Worker.ExecutionLog, id, Environment.ProcessId, logs.CreateLogger<Diagnostics.ExecutionLogWriter>());
        Runtime = WorkerFactory.CreateRuntime(store, settings, handlers, o.Queue.ShardPrefixLength, time, system.Random, logs,
            new StoreClock(store, time, o.Clock.SyncInterval, o.Clock.EstimateMaxAge)) with { ExecutionLog = _executionLog };
        if (_executionLog is not null)
        {
            logs.CreateLogger<WorkerInstance>().LogInformation("Worker {WorkerId}: execution log {Path}", id, _executionLog.FilePath);
        }

        logs.CreateLogger<WorkerInstance>().LogInformation(
            "Worker {WorkerId} starting: concurrency {Concurrency}, task types {Types}", id, settings.Concurrency, string.Join(", ", handlers.TaskTypes.Order(StringComparer.Ordinal)));
        var supervisor = WorkerFactory.Start(system, Runtime, companions: WorkerFactory.Companions(o, Runtime));
        Supervisor = supervisor;
        registry.Register<WorkerSupervisorActor>(supervisor, overwrite: true);
        if (o.Worker.TrimMemoryWhenIdle)
        {
            system.ActorOf(Worker.Memory.IdleMemoryTrim.Props(Runtime.Activity, Worker.Memory.IdleMemoryTrim.Settings.Default, Worker.Memory.IdleMemoryTrim.CollectAggressively), "idle-memory-trim");
        }

        var wait = o.Worker.DrainDeadline + o.Worker.ShutdownGrace + TimeSpan.FromSeconds(5);
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.Drain, "worker-drain", ct =>
            supervisor.Ask<WorkerSupervisor.ShutdownCompleted>(WorkerSupervisor.Shutdown.Instance, wait, ct));
        if (Runtime.Repository.DeferredDeletes is { } deferred)
        {
            system.CoordinatedShutdown.AddTask(CoordinatedShutdown.Release, "index-delete-flush", _ => deferred.FlushAsync());
        }
        if (o.Scheduler.Enabled)
        {
            // The scheduler runs in every worker; one leader ticks through leader/scheduler.json (holder = worker id).
            // It shares the worker's store clock (one sync serves both) and idle flag (an idle standby checks rarely).
            var client = new BuquetClient(store, BuquetHostingExtensions.ClientOptions(o), Runtime.Clock, time, logs.CreateLogger<BuquetClient>());
            var schedulerSettings = Scheduler.Settings.FromConfig(o.Scheduler, id) with { Activity = Runtime.Activity };
            var scheduler = system.ActorOf(Scheduler.SupervisedProps(client, schedulerSettings, logs), "scheduler");
            system.CoordinatedShutdown.AddTask(CoordinatedShutdown.Drain, "scheduler-resign", ct =>
                scheduler.Ask<Scheduler.ResignResult>(Scheduler.Resign.Instance, TimeSpan.FromSeconds(10), ct));
        }
    }

    /// <summary>Closes the execution log (every line is already written; lines after this are dropped).</summary>
    public void Dispose() => _executionLog?.Dispose();
}
