using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Buquet.Actors.Runtime;
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
        services.TryAddSingleton(new BuquetLayeredConfiguration(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IObjectStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<BuquetOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return Task.Run(() => ObjectStoreFactory.CreateAsync(options.Store, time)).GetAwaiter().GetResult();
        });
        if (!services.Any(d => d.ServiceType == typeof(FleetMembership)))
        {
            // One fleet membership per host (cluster on): the client publishes through it, a worker here joins it.
            services.AddSingleton(sp => new FleetMembership(
                sp.GetRequiredService<IOptions<BuquetOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>()));
            services.AddHostedService(sp => sp.GetRequiredService<FleetMembership>());
        }

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<BuquetOptions>>().Value;
            return new BuquetClient(
                sp.GetRequiredService<IObjectStore>(),
                ClientOptions(options),
                null,
                sp.GetService<TimeProvider>(),
                sp.GetService<ILogger<BuquetClient>>(),
                sp.GetRequiredService<FleetMembership>().Fleet);
        });
        return services;
    }

    /// <summary>
    /// Registers the worker in an Akka.NET actor system of its own (Akka.Hosting, named <see cref="ActorSystemName"/>):
    /// its supervisor starts with the host (claiming only the task types it has handlers for) and coordinated shutdown
    /// runs its phased stop on host stop: stop claiming, drain until <c>worker.drain-deadline</c>, cancel, release
    /// after <c>worker.shutdown-grace</c>, deregister. A worker supervisor that dies outside shutdown stops the host
    /// with a non-zero exit code. Call <see cref="AddBuquet"/> first. To run the worker in an actor system the
    /// application already hosts, call <see cref="WithBuquetWorker"/> inside its <c>AddAkka</c> instead.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Registers handlers.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBuquetWorker(this IServiceCollection services, Action<BuquetWorkerBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAkka(ActorSystemName, (akka, sp) =>
        {
            akka.AddHocon(BuquetActorSystem.Clock(sp.GetRequiredService<TimeProvider>()), HoconAddMode.Prepend);
            akka.WithBuquetWorker(sp, configure);
            akka.AddHocon(BuquetActorSystem.Defaults, HoconAddMode.Append);

            // Akka's log goes to Microsoft.Extensions.Logging only (no stdout logger), at akka.loglevel of buquet's
            // layers: Akka.Hosting writes its own akka.loglevel, so the configured one is handed to it here.
            var level = AkkaLogLevel(LayeredConfiguration(sp));
            akka.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = level;
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
        });
        return services;
    }

    /// <summary>
    /// Runs a buquet worker in the application's own Akka.NET actor system: inside <c>AddAkka((akka, sp) =&gt; …)</c>,
    /// after <see cref="AddBuquet"/> registered options, store and client. The supervisor is registered in the
    /// <c>ActorRegistry</c> under <see cref="BuquetWorker"/> (<c>IRequiredActor&lt;BuquetWorker&gt;</c>), the drain runs
    /// in the system's coordinated shutdown, and the <c>akka</c> settings of buquet's configuration layers are added
    /// as fallbacks (the application's own Akka settings win).
    /// </summary>
    /// <param name="akka">The application's Akka builder.</param>
    /// <param name="services">The application's service provider (the second argument of <c>AddAkka</c>).</param>
    /// <param name="configure">Registers handlers.</param>
    /// <returns>The builder.</returns>
    public static AkkaConfigurationBuilder WithBuquetWorker(this AkkaConfigurationBuilder akka, IServiceProvider services, Action<BuquetWorkerBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(akka);
        ArgumentNullException.ThrowIfNull(services);
        var builder = new BuquetWorkerBuilder();
        configure?.Invoke(builder);
        var instance = ActivatorUtilities.CreateInstance<WorkerInstance>(services, builder);
        var drain = WorkerInstance.DrainPhaseTimeout(services.GetRequiredService<IOptions<BuquetOptions>>().Value.Worker);
        akka.AddHocon(
            ConfigurationFactory.ParseString($"akka.coordinated-shutdown.phases.service-requests-done.timeout = {(long)drain.TotalMilliseconds}ms"),
            HoconAddMode.Prepend);
        if (LayeredConfiguration(services) is { } configuration)
        {
            akka.AddHocon(BuquetActorSystem.FromConfiguration(configuration), HoconAddMode.Append);
        }

        akka.StartActors((system, registry) => instance.Start(system, registry, services.GetService<IHostApplicationLifetime>()));
        return akka;
    }

    private static IConfiguration? LayeredConfiguration(IServiceProvider services) =>
        services.GetService<BuquetLayeredConfiguration>()?.Configuration ?? services.GetService<IConfiguration>();

    private static Akka.Event.LogLevel AkkaLogLevel(IConfiguration? configuration)
    {
        var text = configuration?["akka:loglevel"] ?? "INFO";
        try
        {
            var level = Akka.Event.Logging.LogLevelFor(text);
            return level > Akka.Event.LogLevel.ErrorLevel ? Akka.Event.LogLevel.ErrorLevel : level; // OFF: errors only
        }
        catch (ArgumentException)
        {
            throw new BuquetConfigurationException([$"akka.loglevel = '{text}': use DEBUG, INFO, WARNING, ERROR or OFF"]);
        }
    }

    internal static BuquetClientOptions ClientOptions(BuquetOptions options)
    {
        var q = options.Queue;
        return new BuquetClientOptions
        {
            ShardPrefixLength = q.ShardPrefixLength,
            OffloadLargePayloads = q.PayloadOffloadEnabled,
            PayloadOffloadThresholdBytes = (int)Math.Clamp(q.PayloadOffloadThreshold, 0, int.MaxValue),
            MaxPayloadSizeBytes = q.MaxPayloadSize,
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
}
