using Buquet.Actors.Configuration;
using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>
/// Protocol of the monitor actor (<see cref="MonitorActor"/>): lease recovery every check interval, an index-sweeper
/// step every sweep interval. Named <c>MaintenanceMonitor</c> rather than <c>Monitor</c> so it never collides with
/// <see cref="System.Threading.Monitor"/> under implicit usings.
/// </summary>
internal static class MaintenanceMonitor
{
    /// <summary>Marker of the messages the monitor handles.</summary>
    internal interface IMonitorMessage;

    /// <summary>Monitor settings.</summary>
    /// <param name="CheckInterval">Period of lease recovery cycles; the first runs at start.</param>
    /// <param name="SweepInterval">Period of sweeper steps; zero turns the sweeper off.</param>
    /// <param name="SweepMode">Continuous (one bounded step per interval, cursor kept) or on-demand (a full pass).</param>
    /// <param name="MaxTasksPerScan">Lease keys examined per shard per cycle.</param>
    /// <param name="MaxObjectsPerSweep">Objects examined per continuous sweep step.</param>
    /// <param name="SweepPageSize">Keys per LIST while sweeping.</param>
    /// <param name="Backoff">Retry delays after the store was unavailable.</param>
    public sealed record Settings(
        TimeSpan CheckInterval,
        TimeSpan SweepInterval,
        SweepMode SweepMode,
        int MaxTasksPerScan,
        int MaxObjectsPerSweep,
        int SweepPageSize,
        StoreBackoff Backoff)
    {
        /// <summary>While the worker is idle, multiply both intervals by the fleet size (<c>scale-idle-with-fleet</c>).</summary>
        public bool ScaleIdleWithFleet { get; init; }

        /// <summary>Check interval for the given activity.</summary>
        public TimeSpan CheckIntervalFor(bool idle, int fleetSize) => Scaled(CheckInterval, idle, fleetSize);

        /// <summary>Sweep interval for the given activity (zero stays zero: off).</summary>
        public TimeSpan SweepIntervalFor(bool idle, int fleetSize) => Scaled(SweepInterval, idle, fleetSize);

        /// <summary>From <c>buquet.monitor</c>.</summary>
        public static Settings FromOptions(MonitorOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            return new Settings(
                options.CheckInterval, options.SweepInterval, options.SweepMode, options.MaxTasksPerScan,
                options.MaxObjectsPerSweep, options.SweepPageSize, StoreBackoff.Default)
            { ScaleIdleWithFleet = options.ScaleIdleWithFleet }.Validate();
        }

        private TimeSpan Scaled(TimeSpan interval, bool idle, int fleetSize) =>
            idle && ScaleIdleWithFleet ? interval * Math.Max(1, fleetSize) : interval;

        /// <summary>Throws naming the bad value.</summary>
        public Settings Validate()
        {
            if (CheckInterval <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(CheckInterval), CheckInterval, "Monitor check interval must be positive.");
            }

            if (SweepInterval < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(SweepInterval), SweepInterval, "Sweep interval must not be negative (zero turns it off).");
            }

            ArgumentNullException.ThrowIfNull(Backoff);
            Backoff.Validate();
            return this;
        }
    }

    /// <summary>Run a lease-recovery cycle now (also sent by the check timer).</summary>
    public sealed class Check : IMonitorMessage
    {
        public static readonly Check Instance = new();

        private Check()
        {
        }
    }

    /// <summary>Run a sweeper step now (also sent by the sweep timer).</summary>
    public sealed class Sweep : IMonitorMessage
    {
        public static readonly Sweep Instance = new();

        private Sweep()
        {
        }
    }

    /// <summary>Event to the listener: the activity changed the cadence (the next runs are due within these intervals).</summary>
    public sealed record CadenceChanged(TimeSpan CheckInterval, TimeSpan SweepInterval);

    /// <summary>Event to the listener: a lease-recovery cycle finished.</summary>
    public sealed record CheckCompleted(LeaseRecoveryReport Report);

    /// <summary>Event to the listener: a sweeper step (or on-demand pass) finished.</summary>
    public sealed record SweepCompleted(SweepReport Report);

    /// <summary>Event to the listener: the store was unavailable; the activity is retried after <paramref name="RetryIn"/>.</summary>
    public sealed record StoreUnavailable(string Activity, string Error, TimeSpan RetryIn);

    /// <summary>
    /// Props of the monitor. The recovery and sweeper (and so their cursors) are built once here, outside the actor
    /// factory, so they survive restarts of the actor.
    /// </summary>
    /// <param name="settings">Intervals and limits.</param>
    /// <param name="repository">Task access; its shard space is what is scanned.</param>
    /// <param name="random">Jitter source in [0, 1) (retry backoff of recovered tasks, store backoff).</param>
    /// <param name="listener">Receives <see cref="CheckCompleted"/>, <see cref="SweepCompleted"/>, <see cref="StoreUnavailable"/>; optional.</param>
    /// <param name="logger">Diagnostics.</param>
    /// <param name="activity">The worker's idle flag and fleet size (intervals scale while idle); optional.</param>
    public static Props Props(Settings settings, TaskRepository repository, Func<double> random, IActorRef? listener = null, ILogger? logger = null, IActorRef? activity = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(random);
        settings.Validate();
        var recovery = new LeaseRecovery(repository, random, settings.MaxTasksPerScan, logger: logger);
        var sweeper = new IndexSweeper(repository, random, settings.MaxObjectsPerSweep, settings.SweepPageSize, logger);
        return ActorProps.FromFactory(() => new MonitorActor(settings, recovery, sweeper, random, listener, logger, activity));
    }
}
