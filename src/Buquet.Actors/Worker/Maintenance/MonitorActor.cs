using Buquet.Actors.Configuration;
using Akka.Actor;
using Settings = Buquet.Actors.Worker.Maintenance.MaintenanceMonitor.Settings;
using Buquet.Actors.Runtime;
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
/// <remarks>
/// Idle (<see cref="WorkerActivity"/>, <see cref="Settings.ScaleIdleWithFleet"/>): both intervals are multiplied by the
/// fleet size, and the next run is placed at a random point of the scaled interval, so an idle fleet of N workers still
/// scans about once per interval in total. On <c>Changed(Idle: false)</c> the next run is within one active interval.
/// </remarks>
internal sealed class MonitorActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    private const string CheckTimer = "check";
    private const string SweepTimer = "sweep";

    // Immutable after construction.
    private readonly Settings _settings;
    private readonly LeaseRecovery _recovery;
    private readonly IndexSweeper _sweeper;
    private readonly Func<double> _random;
    private readonly IActorRef? _listener;
    private readonly ILogger _logger;
    private readonly IActorRef? _activity;

    // Actor-confined.
    private int _checkFailures;
    private int _sweepFailures;
    private bool _idle;
    private int _fleetSize = 1;

    public MonitorActor(Settings settings, LeaseRecovery recovery, IndexSweeper sweeper, Func<double> random, IActorRef? listener, ILogger? logger, IActorRef? activity = null)
    {
        _settings = settings;
        _recovery = recovery;
        _sweeper = sweeper;
        _random = random;
        _listener = listener;
        _logger = logger ?? NullLogger.Instance;
        _activity = activity;
        ReceiveAsync<Check>(_ => CheckAsync());
        ReceiveAsync<Sweep>(_ => SweepAsync());
        Receive<WorkerActivity.Changed>(OnActivityChanged);
    }

    private TimeSpan CheckInterval => _settings.CheckIntervalFor(_idle, _fleetSize);

    /// <summary>Cancelled when the worker starts shutting down (finding 6 of docs/reliability.md).</summary>
    // Cancelled in PostStop: the supervisor stops the monitor when the worker starts draining (recovery and sweeping
    // are other workers' job from then on), and a pass in progress gives up at its next request.
    private readonly CancellationTokenSource _stopping = new();

    private CancellationToken Stopping => _stopping.Token;

    private TimeSpan SweepInterval => _settings.SweepIntervalFor(_idle, _fleetSize);

    protected override void PreStart()
    {
        Self.Tell(Check.Instance);
        Timers.StartPeriodicTimer(CheckTimer, Check.Instance, CheckInterval);
        if (_settings.SweepInterval > TimeSpan.Zero)
        {
            Timers.StartPeriodicTimer(SweepTimer, Sweep.Instance, SweepInterval);
        }

        _activity?.Tell(new WorkerActivity.Subscribe(Self));
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
    }

    private void OnActivityChanged(WorkerActivity.Changed changed)
    {
        var before = (CheckInterval, SweepInterval);
        _idle = changed.Idle;
        _fleetSize = changed.FleetSize;
        if ((CheckInterval, SweepInterval) == before)
        {
            return;
        }

        // A random phase while idle spreads the fleet's scans over the scaled interval; active: within one interval.
        var phase = _idle ? _random() : 1.0;
        if (_checkFailures == 0)
        {
            Restart(CheckTimer, Check.Instance, CheckInterval, phase);
        }

        if (_sweepFailures == 0 && _settings.SweepInterval > TimeSpan.Zero)
        {
            Restart(SweepTimer, Sweep.Instance, SweepInterval, phase);
        }

        _listener?.Tell(new CadenceChanged(CheckInterval, SweepInterval), Self);
    }

    private void Restart(string key, object message, TimeSpan interval, double phase)
    {
        var first = interval * Math.Clamp(phase, 0.0, 1.0);
        if (first >= interval || first <= TimeSpan.Zero)
        {
            Timers.StartPeriodicTimer(key, message, interval);
        }
        else
        {
            Timers.StartSingleTimer(key, message, first); // the periodic timer resumes after this run
        }
    }

    private async Task CheckAsync()
    {
        try
        {
            var report = await _recovery.RunCycleAsync(Stopping);
            _checkFailures = 0;
            Timers.StartPeriodicTimer(CheckTimer, Check.Instance, CheckInterval);
            _listener?.Tell(new CheckCompleted(report), Self);
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
            _logger.LogDebug("Monitor check stopped: the worker is shutting down");
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
            var report = _settings.SweepMode == SweepMode.OnDemand ? await _sweeper.SweepAllAsync(Stopping) : await _sweeper.StepAsync(Stopping);
            _sweepFailures = 0;
            if (_settings.SweepInterval > TimeSpan.Zero)
            {
                Timers.StartPeriodicTimer(SweepTimer, Sweep.Instance, SweepInterval);
            }

            _listener?.Tell(new SweepCompleted(report), Self);
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
            _logger.LogDebug("Index sweep stopped: the worker is shutting down");
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
