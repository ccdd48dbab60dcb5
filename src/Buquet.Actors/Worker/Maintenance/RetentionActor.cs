using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static Buquet.Actors.Worker.Maintenance.Retention;
using Settings = Buquet.Actors.Worker.Maintenance.Retention.Settings;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>
/// Runs <see cref="RetentionSweeper"/> steps: the first one step interval after start, then one per step interval
/// while a pass is in progress, and a pass interval after a pass completed. Steps never overlap (the async handler
/// holds the mailbox). A store outage is retried with exponential backoff and jitter; any other exception crashes
/// the actor and its backoff supervisor restarts it (the sweeper and its cursors live in <see cref="Retention.Props"/>).
/// </summary>
/// <remarks>
/// While the worker is idle (<see cref="WorkerActivity"/>) a due step waits and runs as soon as the worker is active
/// again, so an idle fleet pays nothing for retention (nothing finishes while it is idle). A step that found no held
/// shard made no request; the next one follows after the step interval, so the shards re-acquired when the worker
/// wakes are swept without waiting a whole pass interval.
/// </remarks>
internal sealed class RetentionActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    private const string StepTimer = "step";

    // Immutable after construction.
    private readonly Settings _settings;
    private readonly RetentionSweeper _sweeper;
    private readonly Func<double> _random;
    private readonly IActorRef? _listener;
    private readonly ILogger _logger;
    private readonly IActorRef? _activity;

    // Cancelled in PostStop: a step in progress gives up at its next request when the worker drains.
    private readonly CancellationTokenSource _stopping = new();

    // Actor-confined.
    private int _failures;
    private bool _idle;
    private bool _stepWaiting;

    public RetentionActor(Settings settings, RetentionSweeper sweeper, Func<double> random, IActorRef? listener, ILogger? logger, IActorRef? activity = null)
    {
        _activity = activity;
        _settings = settings;
        _sweeper = sweeper;
        _random = random;
        _listener = listener;
        _logger = logger ?? NullLogger.Instance;
        ReceiveAsync<Step>(_ => StepAsync());
        Receive<WorkerActivity.Changed>(OnActivityChanged);
    }

    protected override void PreStart()
    {
        Timers.StartSingleTimer(StepTimer, Step.Instance, _settings.StepInterval);
        _activity?.Tell(new WorkerActivity.Subscribe(Self));
    }

    private void OnActivityChanged(WorkerActivity.Changed changed)
    {
        _idle = changed.Idle;
        if (!_idle && _stepWaiting)
        {
            _stepWaiting = false;
            Self.Tell(Step.Instance);
        }
    }

    protected override void PostStop() => _stopping.Cancel();

    private async Task StepAsync()
    {
        if (_idle)
        {
            _stepWaiting = true; // run when the worker is active again
            return;
        }

        try
        {
            var report = await _sweeper.StepAsync(_stopping.Token);
            _failures = 0;
            var next = report.PassCompleted && report.HeldShards > 0 ? _settings.PassInterval : _settings.StepInterval;
            if (report.Removed > 0)
            {
                _logger.LogInformation("Retention removed {Removed} finished tasks ({Listed} listed, {Read} read)", report.Removed, report.Listed, report.Read);
            }

            Timers.StartSingleTimer(StepTimer, Step.Instance, next);
            _listener?.Tell(new StepCompleted(report, next), Self);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            _logger.LogDebug("Retention step stopped: the worker is shutting down");
        }
        catch (ObjectStoreUnavailableException ex)
        {
            var delay = _settings.Backoff.DelayFor(++_failures, _random());
            _logger.LogWarning(ex, "Retention: store unavailable; retrying in {Delay}", delay);
            Timers.StartSingleTimer(StepTimer, Step.Instance, delay);
            _listener?.Tell(new StoreUnavailable(ex.Message, delay), Self);
        }
    }
}
