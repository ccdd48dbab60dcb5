using Buquet.Actors.Client;
using Akka.Actor;
using Buquet.Actors.Runtime;
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
internal sealed class SchedulerActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    private const string LeaseTimerKey = "scheduler-lease";
    private const string TickTimerKey = "scheduler-tick";

    // Immutable after construction.
    private readonly SchedulerNode _node;
    private readonly Scheduler.Settings _settings;
    private readonly ILogger _logger;

    // Actor-confined.
    private SchedulerTickReport? _lastTick;
    private bool _idle;
    private bool _slowTicks; // the tick timer is the idle single timer, not the periodic one

    public SchedulerActor(BuquetClient client, Scheduler.Settings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _node = new SchedulerNode(client, settings.NodeId, settings.LeaderLeaseTtl, logger, settings.Random ?? Jitter.Default, settings.Defaults);
        ReceiveAsync<Scheduler.RenewLease>(_ => RenewAsync());
        ReceiveAsync<Scheduler.Tick>(_ => TickAsync());
        ReceiveAsync<Scheduler.Resign>(_ => ResignAsync());
        Receive<WorkerActivity.Changed>(OnActivityChanged);
        Receive<Scheduler.GetStatus>(_ => Sender.Tell(new Scheduler.StatusResult(
            _settings.NodeId, _node.Election.Grant is not null, _node.Election.Grant?.FencingToken, _lastTick)));
    }

    /// <summary>
    /// An idle leader's renewal term (longer than the TTL), or null: only while the worker is idle <em>and</em> the last
    /// tick found no schedule. A leader with schedules keeps its normal term, so a crash never delays a schedule by
    /// more than the normal take-over.
    /// </summary>
    private TimeSpan? IdleLeaderTerm =>
        _idle && _lastTick is { Schedules: 0 } && _settings.IdleLeaderLeaseTtl > _settings.LeaderLeaseTtl ? _settings.IdleLeaderLeaseTtl : null;

    /// <summary>The idle tick period (only while idle with no schedule at the last tick), or null: the periodic tick.</summary>
    private TimeSpan? IdleTick =>
        _idle && _lastTick is { Schedules: 0 } && _settings.IdleTickInterval > _settings.TickInterval ? _settings.IdleTickInterval : null;

    /// <summary>
    /// Delay to the next lease round. Leader: a third of its term. Active standby: a third of the TTL. Idle standby:
    /// just after the holder's term ends as last read (it cannot be taken earlier), at least a third of the TTL and at
    /// most <see cref="Scheduler.Settings.IdleStandbyInterval"/>, so a dead leader is replaced as fast as when active
    /// while a live one is looked at about once per term.
    /// </summary>
    private TimeSpan NextRoundDelay()
    {
        var renew = _node.Election.RenewInterval;
        if (_node.Election.Grant is not null)
        {
            return IdleLeaderTerm is { } term ? term / 3 : renew;
        }

        if (!_idle)
        {
            return renew;
        }

        var untilFree = _node.Election.ObservedTermEndsIn is { } left ? left + TimeSpan.FromSeconds(1) : _settings.IdleStandbyInterval;
        return untilFree < renew ? renew : untilFree > _settings.IdleStandbyInterval ? _settings.IdleStandbyInterval : untilFree;
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(TickTimerKey, Scheduler.Tick.Instance, _settings.TickInterval);
        Self.Tell(Scheduler.RenewLease.Instance);
        Self.Tell(Scheduler.Tick.Instance);
        _settings.Activity?.Tell(new WorkerActivity.Subscribe(Self));
    }

    private void OnActivityChanged(WorkerActivity.Changed changed)
    {
        if (changed.Idle == _idle)
        {
            return;
        }

        _idle = changed.Idle;
        if (!_idle)
        {
            // Active again (a task, or a schedule written with a hint): tick now and every tick interval from here.
            Self.Tell(Scheduler.Tick.Instance);
            Timers.StartPeriodicTimer(TickTimerKey, Scheduler.Tick.Instance, _settings.TickInterval);
            _slowTicks = false;
        }

        // Active again: rounds every third of the TTL from now. A leader going idle (without schedules) writes its
        // longer term now, since the current one may end before the slower next round. A standby going idle looks
        // next when the holder's term ends (at most the idle standby interval).
        var leaderGoingIdle = _idle && IdleLeaderTerm is not null && _node.Election.Grant is not null;
        Timers.StartSingleTimer(LeaseTimerKey, Scheduler.RenewLease.Instance, leaderGoingIdle ? TimeSpan.Zero : NextRoundDelay());
    }

    private async Task RenewAsync()
    {
        bool leads;
        try
        {
            leads = await _node.RunLeaseRoundAsync(renewFor: IdleLeaderTerm);
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Scheduler {NodeId}: lease round failed; retrying at the next renewal", _settings.NodeId);
            leads = false;
        }

        Timers.StartSingleTimer(LeaseTimerKey, Scheduler.RenewLease.Instance, NextRoundDelay());
        Context.System.EventStream.Publish(new Scheduler.LeaseRoundCompleted(_settings.NodeId, leads, _node.Election.Grant?.FencingToken));
    }

    private async Task TickAsync()
    {
        SchedulerTickReport? report = null;
        string? error = null;
        try
        {
            report = await _node.RunTickAsync();
            if (report is not null)
            {
                _lastTick = report;
            }
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Scheduler {NodeId}: tick failed; retrying at the next tick", _settings.NodeId);
            error = ex.Message;
        }

        ArmNextTick();
        Context.System.EventStream.Publish(new Scheduler.TickCompleted(_settings.NodeId, report, error));
    }

    /// <summary>
    /// After every tick, failed ones included: the idle single timer while idle with no schedule, else the periodic tick.
    /// A spent idle timer must always be replaced, or a schedule found by an idle tick (written by a peer without a
    /// wake-up hint), or an idle tick that failed, would leave the scheduler with no tick until the worker is active.
    /// </summary>
    private void ArmNextTick()
    {
        if (IdleTick is { } slow)
        {
            Timers.StartSingleTimer(TickTimerKey, Scheduler.Tick.Instance, slow); // replaces the periodic tick until active
            _slowTicks = true;
        }
        else if (_slowTicks)
        {
            Timers.StartPeriodicTimer(TickTimerKey, Scheduler.Tick.Instance, _settings.TickInterval);
            _slowTicks = false;
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

        Sender.Tell(new Scheduler.ResignResult(_settings.NodeId));
        Context.Stop(Self);
    }
}
