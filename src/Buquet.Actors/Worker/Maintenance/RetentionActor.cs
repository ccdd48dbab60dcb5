using Akka.Actor;
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

    // Cancelled in PostStop: a step in progress gives up at its next request when the worker drains.
    private readonly CancellationTokenSource _stopping = new();

    // Actor-confined.
    private int _failures;

    public RetentionActor(Settings settings, RetentionSweeper sweeper, Func<double> random, IActorRef? listener, ILogger? logger)
    {
        _settings = settings;
        _sweeper = sweeper;
        _random = random;
        _listener = listener;
        _logger = logger ?? NullLogger.Instance;
        ReceiveAsync<Step>(_ => StepAsync());
    }

    protected override void PreStart() => Timers.StartSingleTimer(StepTimer, Step.Instance, _settings.StepInterval);

    protected override void PostStop() => _stopping.Cancel();

    private async Task StepAsync()
    {
        try
        {
            var report = await _sweeper.StepAsync(_stopping.Token);
            _failures = 0;
            var next = report.PassCompleted ? _settings.PassInterval : _settings.StepInterval;
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
