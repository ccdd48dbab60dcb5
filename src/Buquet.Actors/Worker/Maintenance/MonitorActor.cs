using Buquet.Actors.Configuration;
using Buquet.Actors.Kernel;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static Buquet.Actors.Worker.Maintenance.MaintenanceMonitor;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>
/// Runs <see cref="LeaseRecovery"/> every check interval (first at start) and an <see cref="IndexSweeper"/> step every
/// sweep interval, one at a time (async handlers hold the mailbox, so the non-thread-safe services are never run
/// concurrently). A store outage (<see cref="ObjectStoreUnavailableException"/>) does not crash it: the activity is
/// retried with exponential backoff and jitter, then the regular period resumes. Any other exception crashes the
/// actor; its supervisor restarts it and the cursors survive (the services are built in <see cref="MaintenanceMonitor.Props"/>).
/// </summary>
internal sealed class MonitorActor : ReceiveActor
{
    private const string CheckTimer = "check";
    private const string SweepTimer = "sweep";

    // Immutable after construction.
    private readonly Settings _settings;
    private readonly LeaseRecovery _recovery;
    private readonly IndexSweeper _sweeper;
    private readonly Func<double> _random;
    private readonly IActorRef? _listener;
    private readonly ILogger _logger;

    // Actor-confined.
    private int _checkFailures;
    private int _sweepFailures;

    public MonitorActor(Settings settings, LeaseRecovery recovery, IndexSweeper sweeper, Func<double> random, IActorRef? listener, ILogger? logger)
    {
        _settings = settings;
        _recovery = recovery;
        _sweeper = sweeper;
        _random = random;
        _listener = listener;
        _logger = logger ?? NullLogger.Instance;
        ReceiveAsync<Check>(_ => CheckAsync());
        ReceiveAsync<Sweep>(_ => SweepAsync());
    }

    protected override void PreStart()
    {
        Self.Tell(Check.Instance);
        Timers.StartPeriodicTimer(CheckTimer, Check.Instance, _settings.CheckInterval);
        if (_settings.SweepInterval > TimeSpan.Zero)
        {
            Timers.StartPeriodicTimer(SweepTimer, Sweep.Instance, _settings.SweepInterval);
        }
    }

    private async Task CheckAsync()
    {
        try
        {
            var report = await _recovery.RunCycleAsync();
            _checkFailures = 0;
            Timers.StartPeriodicTimer(CheckTimer, Check.Instance, _settings.CheckInterval);
            _listener?.Tell(new CheckCompleted(report), Self);
        }
        catch (ObjectStoreUnavailableException ex)
        {
            var delay = _settings.Backoff.DelayFor(++_checkFailures, _random());
            _logger.LogWarning(ex, "Monitor check: store unavailable; retrying in {Delay}", delay);
            Timers.StartSingleTimer(CheckTimer, Check.Instance, delay);
            _listener?.Tell(new StoreUnavailable("check", ex.Message, delay), Self);
        }
    }

    private async Task SweepAsync()
    {
        try
        {
            var report = _settings.SweepMode == SweepMode.OnDemand ? await _sweeper.SweepAllAsync() : await _sweeper.StepAsync();
            _sweepFailures = 0;
            if (_settings.SweepInterval > TimeSpan.Zero)
            {
                Timers.StartPeriodicTimer(SweepTimer, Sweep.Instance, _settings.SweepInterval);
            }

            _listener?.Tell(new SweepCompleted(report), Self);
        }
        catch (ObjectStoreUnavailableException ex)
        {
            var delay = _settings.Backoff.DelayFor(++_sweepFailures, _random());
            _logger.LogWarning(ex, "Index sweep: store unavailable; retrying in {Delay}", delay);
            Timers.StartSingleTimer(SweepTimer, Sweep.Instance, delay);
            _listener?.Tell(new StoreUnavailable("sweep", ex.Message, delay), Self);
        }
    }
}
