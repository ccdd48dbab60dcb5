using Akka.Actor;
using Settings = Buquet.Actors.Worker.Registry.WorkerHeartbeat.Settings;
using Buquet.Actors.Runtime;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static Buquet.Actors.Worker.Registry.WorkerHeartbeat;

namespace Buquet.Actors.Worker.Registry;

/// <summary>
/// Keeps <c>workers/{id}.json</c> fresh: registers at start (first heartbeat), rewrites it every heartbeat interval
/// with counters and the current task, and deletes it on <see cref="Deregister"/>. Task start/finish messages only
/// update in-memory state and are never lost to a store outage; a failed write is retried with backoff (no crash).
/// Registration is informational: nothing's correctness depends on it, only shard-lease fairness and liveness reports.
/// </summary>
internal sealed class RegistryActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    private const string HeartbeatTimer = "heartbeat";

    // Immutable after construction.
    private readonly WorkerRegistry _registry;
    private readonly Settings _settings;
    private readonly Func<double> _random;
    private readonly IActorRef? _listener;
    private readonly ILogger _logger;

    // Actor-confined.
    private readonly IActorRef? _activity;
    private int _failures;
    private bool _deregistered;
    private bool _idle;

    public RegistryActor(WorkerRegistry registry, Settings settings, Func<double> random, IActorRef? listener, ILogger? logger, IActorRef? activity = null)
    {
        _activity = activity;
        _registry = registry;
        _settings = settings;
        _random = random;
        _listener = listener;
        _logger = logger ?? NullLogger.Instance;
        Receive<TaskStarted>(m => _registry.TaskStarted(m.TaskId));
        Receive<TaskFinished>(m => _registry.TaskFinished(m.TaskId, m.Failed));
        ReceiveAsync<Heartbeat>(_ => HeartbeatAsync());
        ReceiveAsync<Deregister>(_ => DeregisterAsync());
        Receive<WorkerActivity.Changed>(OnActivityChanged);
    }

    private TimeSpan Interval => _settings.IntervalFor(_idle);

    protected override void PreStart()
    {
        Self.Tell(Heartbeat.Instance);
        Timers.StartPeriodicTimer(HeartbeatTimer, Heartbeat.Instance, Interval);
        _activity?.Tell(new WorkerActivity.Subscribe(Self));
    }

    private void OnActivityChanged(WorkerActivity.Changed changed)
    {
        if (changed.Idle == _idle || _deregistered)
        {
            return;
        }

        _idle = changed.Idle;
        if (_idle)
        {
            // Slow down from the next period on (the last heartbeat is at most one active interval old).
            Timers.StartPeriodicTimer(HeartbeatTimer, Heartbeat.Instance, Interval);
        }
        else if (_failures == 0)
        {
            // Active again: a fresh heartbeat at once (shard fairness reads it), then the active cadence.
            Self.Tell(Heartbeat.Instance);
        }
    }

    private async Task HeartbeatAsync()
    {
        if (_deregistered)
        {
            return;
        }

        try
        {
            var info = _registry.IsRegistered ? await _registry.HeartbeatAsync() : await _registry.RegisterAsync();
            _failures = 0;
            Timers.StartPeriodicTimer(HeartbeatTimer, Heartbeat.Instance, Interval);
            _listener?.Tell(new HeartbeatWritten(info), Self);
        }
        catch (ObjectStoreUnavailableException ex)
        {
            var delay = _settings.Backoff.DelayFor(++_failures, _random());
            delay = delay < Interval ? delay : Interval;
            _logger.LogWarning(ex, "Worker heartbeat: store unavailable; retrying in {Delay}", delay);
            Timers.StartSingleTimer(HeartbeatTimer, Heartbeat.Instance, delay);
            _listener?.Tell(new StoreUnavailable(ex.Message, delay), Self);
        }
    }

    private async Task DeregisterAsync()
    {
        _deregistered = true;
        Timers.Cancel(HeartbeatTimer);
        var clean = true;
        try
        {
            await _registry.DeregisterAsync();
        }
        catch (ObjectStoreUnavailableException ex)
        {
            clean = false;
            _logger.LogWarning(ex, "Worker entry could not be deleted; it goes stale after the health threshold");
        }

        Sender.Tell(new Deregistered(clean), Self);
    }
}
