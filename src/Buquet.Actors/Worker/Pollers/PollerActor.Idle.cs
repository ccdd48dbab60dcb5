using Akka.Actor;
using Buquet.Actors.Protocol;
using Buquet.Actors.Runtime;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Pollers;

/// <summary>Idle mode, the wake-up hint watch and the fleet census (ADR 0008).</summary>
internal sealed partial class PollerActor
{
    private const string HintKey = "hint";
    private const string CensusKey = "census";

    // Actor-confined.
    private bool _idle;
    private int _emptyPolls;
    private bool _wakePoll;
    private PickupPath _wakePath = PickupPath.Poll; // what brought the next poll forward (hint or push)
    private bool _pollAfterBatch;
    private bool _listedAll; // a poll since start covered every shard (after the first hint HEAD, which precedes it)
    private bool _hintKnown;
    private string? _hintETag;
    private DateTimeOffset? _nextDue;
    private DateTimeOffset? _busyUntil;
    private long? _lastCensus;
    private int? _fleetRank;
    private int _rankedFleet = 1;
    private bool _counted; // the first census is always recounted after RecountDelay: peers starting with us may not have registered yet
    private int _fleetSize = 1; // from the activity actor: this poller's census or the shard-lease census

    private bool IdleModeOn => _polling.IdleMaxInterval > TimeSpan.Zero;

    /// <summary>
    /// An empty poll (or a batch that claimed nothing): back off, and go idle after enough of them. Idle trusts the hint
    /// for everything made ready before its first HEAD, so a poller that has not yet listed every shard since it started
    /// (with shard leasing it starts with none and may count its empty polls into idle before the first lease tick
    /// lands) makes its first full discovery at once instead of one idle interval later.
    /// </summary>
    private void AfterEmptyPoll()
    {
        _emptyPolls++;
        _looking = false;
        var entering = !_idle && IdleModeOn && _emptyPolls >= _polling.IdleAfterEmptyPolls && NothingInFlight;
        if (entering)
        {
            EnterIdle();
        }

        Schedule(!_idle ? _interval.NextIdle() : _listedAll ? IdlePollDelay() : TimeSpan.Zero);
        if (entering)
        {
            // Told once the idle timers are set: whoever acts on the activity's change (a test advancing virtual
            // time on it) finds this poller's next discovery and census already scheduled.
            _activity.Tell(new WorkerActivity.SetIdle(true));
        }
    }

    private void EnterIdle()
    {
        _idle = true;
        var sinceCensus = _lastCensus is { } t ? _runtime.Time.GetElapsedTime(t) : TimeSpan.MaxValue;
        if (sinceCensus >= _polling.FleetCensusInterval)
        {
            Self.Tell(Poller.CensusTick.Instance);
        }
        else
        {
            Timers.StartSingleTimer(CensusKey, Poller.CensusTick.Instance, _polling.FleetCensusInterval - sinceCensus);
        }

        _logger.LogDebug("Poller idle: full discovery every {Interval}, hint checks every {HintInterval}", _polling.IdleMaxInterval, _polling.IdleHintInterval(_fleetSize));
    }

    private void ExitIdle()
    {
        _idle = false;
        _emptyPolls = 0;
        _interval.Reset();
        Timers.Cancel(CensusKey);
        _activity.Tell(new WorkerActivity.SetIdle(false));
    }

    /// <summary>
    /// The next full discovery while idle: <c>idle-max-interval</c> (jittered), or this worker's next turn when the fleet
    /// shares discovery; earlier when a seen future bucket falls due, and at most the active maximum while keys of the
    /// current minute are known (their tasks may become available any second: delayed tasks, retries in backoff).
    /// </summary>
    private TimeSpan IdlePollDelay()
    {
        var delay = _interval.Jittered(_polling.IdleMaxInterval);
        if (_runtime.Clock.TryGetApproximateNow(out var now))
        {
            if (NextTurn(now) is { } turn)
            {
                delay = turn;
            }

            if (_nextDue is { } due)
            {
                var untilDue = due - now;
                delay = untilDue < _polling.MinInterval ? _polling.MinInterval : untilDue < delay ? untilDue : delay;
            }

            if (_busyUntil is { } until && now < until && delay > _polling.MaxInterval)
            {
                delay = _interval.Jittered(_polling.MaxInterval);
            }
        }

        return delay;
    }

    /// <summary>
    /// Shared idle discovery (<c>share-idle-discovery</c>): store time is cut into <c>idle-max-interval</c> slots and slot
    /// k belongs to the worker of rank k mod fleet size in the census (worker ids in ordinal order), so the fleet makes
    /// one full LIST per slot instead of one per worker. Invariant: while every live worker's census agrees, a task
    /// written without a hint is listed within one slot plus the jitter; a worker that died keeps its turns until its
    /// registry entry leaves the census window, so the bound is then two slots. Null when not sharing (no rank yet, a
    /// fleet of one, or the option off): the worker lists every <c>idle-max-interval</c> on its own.
    /// </summary>
    private TimeSpan? NextTurn(DateTimeOffset now)
    {
        if (!_polling.ShareIdleDiscovery || _fleetRank is not { } rank || _rankedFleet < 2)
        {
            return null;
        }

        var slot = _polling.IdleMaxInterval.Ticks;
        var next = (now - DateTimeOffset.UnixEpoch).Ticks / slot + 1;
        var wait = ((rank - next) % _rankedFleet + _rankedFleet) % _rankedFleet;
        var start = DateTimeOffset.UnixEpoch + TimeSpan.FromTicks((next + wait) * slot);
        return start - now + TimeSpan.FromTicks((long)(slot * _polling.Jitter * _runtime.Random()));
    }

    /// <summary>Found work in a turn of shared discovery: touch the hint so the idle rest of the fleet wakes too.</summary>
    private void RelayDiscovery()
    {
        if (_polling.ShareIdleDiscovery && _rankedFleet > 1 && _runtime.Settings.WakeHints && _runtime.Repository.WakeHints is { } hints)
        {
            _ = hints.NotifyAsync();
        }
    }

    /// <summary>Remembers when the next future bucket is due, and keeps a short cadence through a minute with keys.</summary>
    private void NoteDueBuckets(ScanResult scan, DateTimeOffset now)
    {
        if (_nextDue is { } reached && now >= reached)
        {
            _busyUntil = reached + TimeSpan.FromSeconds(61);
        }

        if (scan.CurrentBucketSeen)
        {
            _busyUntil = TimeBuckets.Start(TimeBuckets.Number(now) + 1) + TimeSpan.FromSeconds(1);
        }

        if (scan.Complete)
        {
            _nextDue = scan.NextDueBucket is { } b ? TimeBuckets.Start(b) : null;
        }
    }

    private async Task CheckHintAsync(bool awaitingBatch)
    {
        if (!_runtime.Settings.WakeHints)
        {
            return;
        }

        // While active, a HEAD is only worth it when the next poll is further away than the next check.
        var skip = !_idle && _hintKnown && (awaitingBatch || _waitingForCapacity || UntilNextPoll() <= _polling.ActiveHintInterval);
        if (!skip)
        {
            try
            {
                var etag = (await _runtime.Store.HeadAsync(WakeHints.Key))?.ETag;
                if (_hintKnown && !string.Equals(etag, _hintETag, StringComparison.Ordinal))
                {
                    _hintETag = etag;
                    OnHintMoved(etag, awaitingBatch);
                }

                _hintETag = etag;
                _hintKnown = true;
            }
            catch (ObjectStoreUnavailableException ex)
            {
                _logger.LogDebug(ex, "Wake-up hint check failed; trying again at the next check");
            }
        }

        var next = _idle ? _interval.Jittered(_polling.IdleHintInterval(_fleetSize)) : _polling.ActiveHintInterval;
        Timers.StartSingleTimer(HintKey, Poller.HintTick.Instance, next);
    }

    /// <summary>Someone made a task ready: poll now (all shards when waking from idle).</summary>
    private void OnHintMoved(bool awaitingBatch)
    {
        HintWakeUps++;
        Diagnostics.BuquetTelemetry.PollerWokenUp("hint");
        _wakePath = PickupPath.Hint;
        _logger.LogDebug("Wake-up hint moved (idle: {Idle}); polling now", _idle);
        WakeNow(awaitingBatch);
    }

    /// <summary>A clustered fleet's member pushed a ready task (ADR 0026): the same as a moved hint.</summary>
    private void OnPushed(bool awaitingBatch)
    {
        PushWakeUps++;
        Diagnostics.BuquetTelemetry.PollerWokenUp("push");
        _wakePath = PickupPath.Push;
        _logger.LogDebug("Ready task pushed by a cluster member (idle: {Idle}); polling now", _idle);
        WakeNow(awaitingBatch);
    }

    private void WakeNow(bool awaitingBatch)
    {
        _looking = false;
        if (_idle)
        {
            ExitIdle();
            _wakePoll = true;
        }

        _emptyPolls = 0;
        _interval.Reset();
        if (awaitingBatch)
        {
            _pollAfterBatch = true;
        }
        else if (_free > 0)
        {
            Schedule(TimeSpan.Zero);
        }
    }

    /// <summary>Hint changes that triggered a poll (tests and metrics).</summary>
    internal int HintWakeUps { get; private set; }

    /// <summary>Pushed ready tasks that triggered a poll (tests and metrics).</summary>
    internal int PushWakeUps { get; private set; }

    /// <summary>Counts live workers (registry entries written within the fleet window) and publishes the fleet size.</summary>
    private async Task CensusAsync(bool awaitingBatch)
    {
        if (!_idle)
        {
            return;
        }

        _lastCensus = _runtime.Time.GetTimestamp();
        var changed = false;
        try
        {
            var now = await ApproximateNowAsync();
            var live = new List<string>();
            await foreach (var entry in WorkerDirectory.ListEntriesAsync(_runtime.Store, limit: 1000))
            {
                if (now - entry.Object.LastModified <= _polling.FleetWindow)
                {
                    live.Add(entry.WorkerId);
                }
            }

            live.Sort(StringComparer.Ordinal);
            changed = !_counted || Math.Max(1, live.Count) != _rankedFleet;
            _counted = true;
            var rank = live.IndexOf(_runtime.Settings.WorkerId);
            _fleetRank = rank >= 0 ? rank : null;
            _rankedFleet = Math.Max(1, live.Count);
            _activity.Tell(new WorkerActivity.SetFleetSize(_rankedFleet));
            if (_idle && !awaitingBatch && Timers.IsTimerActive(PollKey) && NextTurn(now) is not null)
            {
                Schedule(IdlePollDelay()); // the discovery timer set before the rank was known: move it to this worker's turn
            }
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogDebug(ex, "Fleet census failed; keeping fleet size {FleetSize}", _fleetSize);
        }

        // A fleet still starting (or scaling) is counted again a minute later instead of living with a partial count
        // for a whole census interval (the idle moto fleet of issue 8 had counted 4 of its 10 workers at start-up).
        // The first census counts as a change even when it found only this worker: a worker idle before its peers
        // registered would otherwise HEAD the hint every second for a whole interval (bench --cluster, issue 20).
        var next = changed && _polling.FleetCensusInterval > RecountDelay ? RecountDelay : _polling.FleetCensusInterval;
        Timers.StartSingleTimer(CensusKey, Poller.CensusTick.Instance, next);
    }

    /// <summary>The next census after one that changed the fleet size.</summary>
    private static readonly TimeSpan RecountDelay = TimeSpan.FromMinutes(1);
}
