using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Pollers;

/// <summary>
/// Finds ready candidates and hands the supervisor at most as many as it has free slots (ADR 0008).
/// <para>Active: each poll is one LIST of <c>ready/</c> while the index is small (per-shard walks when it is deep), over
/// the shards this worker owns; after a batch that claimed work it polls again at once; after an empty poll it sleeps the
/// jittered interval and grows it (100 ms … 5 s); on 503s it sleeps without growing. Between polls it HEADs the wake-up
/// hint and polls at once when its ETag moved. While the supervisor has no free slot it waits for a
/// <see cref="Poller.Capacity"/> message instead of polling.</para>
/// <para>Idle (after a run of empty polls with nothing in flight; see PollerActor.Idle.cs): one full LIST per
/// <c>idle-max-interval</c> for the whole fleet, taken in turns (or when a seen future bucket falls due), hint HEADs every fleet size × <c>hint-interval</c>,
/// and a census of <c>workers/</c> every few minutes. Found work or a moved hint makes it active again.</para>
/// Bucket filtering uses the store clock's estimate without a request; the claim itself uses the real store clock.
/// </summary>
internal sealed partial class PollerActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    private const string PollKey = "poll";

    // Immutable after construction.
    private readonly WorkerRuntime _runtime;
    private readonly IActorRef _supervisor;
    private readonly ILogger _logger;
    private readonly PollInterval _interval;
    private readonly PollingSettings _polling;
    private readonly IReadOnlyList<string> _allShards;
    private readonly IActorRef _activity;

    // Actor-confined.
    private readonly ReadyIndexScanner _scanner = new();
    private List<string> _shards;
    private int _free;
    private bool _waitingForCapacity;
    private long _pollDueAt;

    public PollerActor(WorkerRuntime runtime, IActorRef supervisor, IReadOnlyList<string> shards, IActorRef activity)
    {
        _activity = activity;
        _runtime = runtime;
        _supervisor = supervisor;
        _shards = [.. shards];
        _logger = runtime.LoggerFactory.CreateLogger<PollerActor>();
        _polling = runtime.Settings.Polling;
        _interval = new PollInterval(_polling, runtime.Random);
        _allShards = WorkerFactory.PolledShards(runtime);
        Become(Polling);
    }

    /// <summary>
    /// Polling (active or idle mode; idle only changes the cadence): a tick polls, capacity and hints bring the next
    /// poll forward. A poll that finds candidates offers them to the supervisor and becomes <see cref="AwaitingBatch"/>.
    /// </summary>
    private void Polling()
    {
        ReceiveAsync<Poller.PollTick>(_ => PollAsync());
        ReceiveAsync<Poller.HintTick>(_ => CheckHintAsync(awaitingBatch: false));
        Receive<Poller.Pushed>(_ => OnPushed(awaitingBatch: false));
        Receive<Poller.MemberHint>(m => OnMemberHint(m, awaitingBatch: false));
        Receive<Poller.HintSettled>(m => OnHintSettled(m.ETag, awaitingBatch: false));
        ReceiveAsync<Poller.CensusTick>(_ => CensusAsync(awaitingBatch: false));
        Receive<Poller.Capacity>(OnCapacity);
        Receive<Poller.BatchResult>(OnBatchResult); // a batch offered by this poller's previous incarnation (restart)
        Receive<Poller.SetShards>(m =>
        {
            _shards = [.. m.Shards];
            if (!_idle)
            {
                Schedule(TimeSpan.Zero);
            }
        });
        ReceiveCommon();
    }

    /// <summary>
    /// Candidates are with the supervisor's claimers: no poll until their <see cref="Poller.BatchResult"/> (a tick that
    /// falls due meanwhile is dropped; the result schedules the next poll). A moved hint is remembered for then.
    /// </summary>
    private void AwaitingBatch()
    {
        Receive<Poller.PollTick>(_ => { });
        ReceiveAsync<Poller.HintTick>(_ => CheckHintAsync(awaitingBatch: true));
        Receive<Poller.Pushed>(_ => OnPushed(awaitingBatch: true));
        Receive<Poller.MemberHint>(m => OnMemberHint(m, awaitingBatch: true));
        Receive<Poller.HintSettled>(m => OnHintSettled(m.ETag, awaitingBatch: true));
        ReceiveAsync<Poller.CensusTick>(_ => CensusAsync(awaitingBatch: true));
        Receive<Poller.Capacity>(m => _free = m.Free);
        Receive<Poller.BatchResult>(m =>
        {
            Become(Polling);
            OnBatchResult(m);
        });
        Receive<Poller.SetShards>(m => _shards = [.. m.Shards]);
        ReceiveCommon();
    }

    private void ReceiveCommon()
    {
        Receive<Poller.GetState>(_ => Sender.Tell(CurrentState()));
        Receive<WorkerActivity.Changed>(m => _fleetSize = m.FleetSize);
        Receive<Poller.StopPolling>(_ =>
        {
            Timers.CancelAll();
            Become(Stopped);
        });
    }

    private Poller.State CurrentState() => new(Polls, _idle, HintWakeUps, _shards.Count, PushWakeUps, MemberHintMoves, Relays);

    /// <summary>The worker is shutting down: no more requests; ticks already queued are dropped.</summary>
    private void Stopped()
    {
        Receive<Poller.GetState>(_ => Sender.Tell(CurrentState()));
        Receive<WorkerActivity.Changed>(_ => { });
        Receive<Poller.PollTick>(_ => { });
        Receive<Poller.HintTick>(_ => { });
        Receive<Poller.Pushed>(_ => { });
        Receive<Poller.MemberHint>(_ => { });
        Receive<Poller.HintSettled>(_ => { });
        Receive<Poller.CensusTick>(_ => { });
        Receive<Poller.Capacity>(m => _free = m.Free);
        Receive<Poller.BatchResult>(_ => { });
        Receive<Poller.SetShards>(m => _shards = [.. m.Shards]);
        Receive<Poller.StopPolling>(_ => { });
    }

    /// <summary>Polls performed (for tests and metrics).</summary>
    internal int Polls { get; private set; }

    private bool NothingInFlight => _free >= _runtime.Settings.Concurrency;

    protected override void PreStart()
    {
        _activity.Tell(new WorkerActivity.SetIdle(false));
        _activity.Tell(new WorkerActivity.Subscribe(Self));
        _supervisor.Tell(Poller.Started.Instance, Self);
        if (_runtime.Settings.WakeHints)
        {
            Self.Tell(Poller.HintTick.Instance);
        }
    }

    private void OnCapacity(Poller.Capacity capacity)
    {
        var had = _free;
        _free = capacity.Free;
        if (_free > 0 && (had == 0 || _waitingForCapacity) && !Timers.IsTimerActive(PollKey))
        {
            _waitingForCapacity = false;
            Self.Tell(Poller.PollTick.Instance);
        }
    }

    private void OnBatchResult(Poller.BatchResult result)
    {
        if (result.Claimed > 0)
        {
            _emptyPolls = 0;
            _pollAfterBatch = false;
            if (_idle && !_looking)
            {
                ExitIdle();
                RelayDiscovery();
            }

            _interval.Reset();
            Self.Tell(Poller.PollTick.Instance);
        }
        else if (_pollAfterBatch)
        {
            _pollAfterBatch = false;
            Schedule(TimeSpan.Zero);
        }
        else
        {
            AfterEmptyPoll();
        }
    }

    private async Task PollAsync()
    {
        if (_free <= 0)
        {
            _waitingForCapacity = true;
            return;
        }

        var shards = _idle || _wakePoll ? _allShards : _shards;
        _wakePoll = false;
        if (shards.Count == 0)
        {
            AfterEmptyPoll();
            return;
        }

        Polls++;
        var path = _wakePath; // what brought this poll forward, for the pickups it leads to (ADR 0027)
        _wakePath = PickupPath.Poll;
        ScanResult scan;
        try
        {
            var now = await ApproximateNowAsync();
            scan = await _scanner.NextAsync(_runtime.Store, shards, _free, now);
            NoteDueBuckets(scan, now);
            _listedAll |= shards.Count >= _allShards.Count;
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Poll failed: object store unavailable; backing off");
            _looking = false;
            Schedule(_idle ? IdlePollDelay() : _interval.NextAfterError());
            return;
        }

        if (scan.Candidates.Count == 0)
        {
            AfterEmptyPoll();
            return;
        }

        Become(AwaitingBatch);
        _supervisor.Tell(new Poller.Candidates(scan.Candidates, path), Self);
    }

    /// <summary>The store time for bucket filtering: the clock's estimate, or one sync when it has none yet.</summary>
    private async ValueTask<DateTimeOffset> ApproximateNowAsync() =>
        _runtime.Clock.TryGetApproximateNow(out var now) ? now : await _runtime.Clock.NowAsync();

    private void Schedule(TimeSpan delay)
    {
        _pollDueAt = _runtime.Time.GetTimestamp() + (long)(Math.Max(0, delay.TotalSeconds) * _runtime.Time.TimestampFrequency);
        if (delay <= TimeSpan.Zero)
        {
            Timers.Cancel(PollKey);
            Self.Tell(Poller.PollTick.Instance);
        }
        else
        {
            Timers.StartSingleTimer(PollKey, Poller.PollTick.Instance, delay);
        }
    }

    /// <summary>Time until the scheduled poll (zero when it is due or none is scheduled).</summary>
    private TimeSpan UntilNextPoll()
    {
        var left = (_pollDueAt - _runtime.Time.GetTimestamp()) / (double)_runtime.Time.TimestampFrequency;
        return left > 0 && Timers.IsTimerActive(PollKey) ? TimeSpan.FromSeconds(left) : TimeSpan.Zero;
    }
}
