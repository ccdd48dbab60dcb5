using Buquet.Actors.Client;
using Buquet.Actors.Kernel;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Scheduling;

/// <summary>
/// The scheduler of one process: keyed timers drive lease rounds (every third of the lease TTL) and ticks (every
/// tick interval); only the lease holder ticks, fenced before each schedule's writes (<see cref="SchedulerNode"/>).
/// </summary>
/// <remarks>
/// Store outages during a lease round or tick are logged and retried on the next timer (leadership simply lapses
/// when renewals keep failing: the trust window ends at <c>expires_at − TTL/10</c>). Anything else crashes the
/// actor; its supervisor recreates it, and the fresh instance starts a new lease term.
/// Async handlers hold the mailbox, so a tick that outlives two thirds of the TTL can lose leadership; the fence
/// then stops it before its next schedule.
/// </remarks>
internal sealed class SchedulerActor : ReceiveActor
{
    private const string LeaseTimerKey = "scheduler-lease";
    private const string TickTimerKey = "scheduler-tick";

    // Immutable after construction.
    private readonly SchedulerNode _node;
    private readonly Scheduler.Settings _settings;
    private readonly ILogger _logger;

    // Actor-confined.
    private SchedulerTickReport? _lastTick;
    private bool _idle;

    public SchedulerActor(BuquetClient client, Scheduler.Settings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _node = new SchedulerNode(client, settings.NodeId, settings.LeaderLeaseTtl, logger, settings.Random ?? Context.System.Random, settings.Defaults);
        ReceiveAsync<Scheduler.RenewLease>(_ => RenewAsync());
        ReceiveAsync<Scheduler.Tick>(_ => TickAsync());
        ReceiveAsync<Scheduler.Resign>(_ => ResignAsync());
        Receive<Worker.WorkerActivity.Changed>(OnActivityChanged);
        Receive<Scheduler.GetStatus>(_ => Sender?.Tell(new Scheduler.StatusResult(
            _settings.NodeId, _node.Election.Grant is not null, _node.Election.Grant?.FencingToken, _lastTick)));
    }

    /// <summary>An idle leader's renewal term (longer than the TTL), or null.</summary>
    private TimeSpan? IdleLeaderTerm => _idle && _settings.IdleLeaderLeaseTtl > _settings.LeaderLeaseTtl ? _settings.IdleLeaderLeaseTtl : null;

    /// <summary>The lease-round period: a leader renews every third of its term; an idle standby checks rarely.</summary>
    private TimeSpan LeasePeriod => _node.Election.Grant is null
        ? (_idle ? _settings.IdleStandbyInterval : _node.Election.RenewInterval)
        : (IdleLeaderTerm is { } term ? term / 3 : _node.Election.RenewInterval);

    /// <inheritdoc />
    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(LeaseTimerKey, Scheduler.RenewLease.Instance, _node.Election.RenewInterval);
        Timers.StartPeriodicTimer(TickTimerKey, Scheduler.Tick.Instance, _settings.TickInterval);
        Self.Tell(Scheduler.RenewLease.Instance);
        Self.Tell(Scheduler.Tick.Instance);
        _settings.Activity?.Watch(Self);
    }

    /// <inheritdoc />
    protected override void PostStop() => _settings.Activity?.Unwatch(Self);

    private void OnActivityChanged(Worker.WorkerActivity.Changed changed)
    {
        if (changed.Idle == _idle)
        {
            return;
        }

        var before = LeasePeriod;
        _idle = changed.Idle;
        if (LeasePeriod != before)
        {
            Timers.StartPeriodicTimer(LeaseTimerKey, Scheduler.RenewLease.Instance, LeasePeriod);
        }

        if (_idle && IdleLeaderTerm is not null && _node.Election.Grant is not null)
        {
            // A leader going idle writes its longer term now: the current one may end before the slower next round.
            Self.Tell(Scheduler.RenewLease.Instance);
        }
    }

    private async Task RenewAsync()
    {
        bool leads;
        try
        {
            var period = LeasePeriod;
            leads = await _node.RunLeaseRoundAsync(renewFor: IdleLeaderTerm);
            if (LeasePeriod != period)
            {
                Timers.StartPeriodicTimer(LeaseTimerKey, Scheduler.RenewLease.Instance, LeasePeriod);
            }
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Scheduler {NodeId}: lease round failed; retrying at the next renewal", _settings.NodeId);
            leads = false;
        }

        Context.System.EventStream.Publish(new Scheduler.LeaseRoundCompleted(_settings.NodeId, leads, _node.Election.Grant?.FencingToken));
    }

    private async Task TickAsync()
    {
        try
        {
            var report = await _node.RunTickAsync();
            if (report is not null)
            {
                _lastTick = report;
            }

            Context.System.EventStream.Publish(new Scheduler.TickCompleted(_settings.NodeId, report, null));
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Scheduler {NodeId}: tick failed; retrying at the next tick", _settings.NodeId);
            Context.System.EventStream.Publish(new Scheduler.TickCompleted(_settings.NodeId, null, ex.Message));
        }
    }

    private async Task ResignAsync()
    {
        Timers.CancelAll();
        try
        {
            await _node.ResignAsync();
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Scheduler {NodeId}: could not release the leader lease; it expires on its own", _settings.NodeId);
        }

        Sender?.Tell(new Scheduler.ResignResult(_settings.NodeId));
        Context.Stop(Self);
    }
}
