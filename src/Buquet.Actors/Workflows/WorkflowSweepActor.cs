using Akka.Actor;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static Buquet.Actors.Workflows.WorkflowSweep;
using Settings = Buquet.Actors.Workflows.WorkflowSweep.Settings;

namespace Buquet.Actors.Workflows;

/// <summary>
/// Runs a <see cref="WorkflowSweeper"/> sweep every interval (the async handler holds the mailbox: sweeps never
/// overlap). A store outage waits for the next interval; any other exception crashes the actor (its parent restarts it).
/// </summary>
internal sealed class WorkflowSweepActor : ReceiveActor, IWithTimers
{
    private const string SweepTimer = "sweep";

    // Immutable after construction.
    private readonly Settings _settings;
    private readonly WorkflowSweeper _sweeper;
    private readonly IActorRef? _listener;
    private readonly ILogger _logger;

    // Cancelled in PostStop: a sweep in progress gives up at its next request.
    private readonly CancellationTokenSource _stopping = new();

    public WorkflowSweepActor(Settings settings, WorkflowSweeper sweeper, IActorRef? listener, ILogger? logger)
    {
        _settings = settings;
        _sweeper = sweeper;
        _listener = listener;
        _logger = logger ?? NullLogger.Instance;
        ReceiveAsync<Sweep>(_ => SweepAsync());
    }

    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer(SweepTimer, Sweep.Instance, _settings.Interval);

    protected override void PostStop() => _stopping.Cancel();

    private async Task SweepAsync()
    {
        try
        {
            var report = await _sweeper.SweepAsync(_stopping.Token);
            if (report.Redriven > 0)
            {
                _logger.LogInformation("Workflow sweeper re-drove {Redriven} of {Active} active workflows", report.Redriven, report.Active);
            }

            _listener?.Tell(new SweepCompleted(report), Self);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            _logger.LogDebug("Workflow sweep stopped: the worker is shutting down");
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Workflow sweeper: store unavailable; next sweep in {Interval}", _settings.Interval);
        }
    }
}
