using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Maintenance;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static Buquet.Actors.Worker.ShardLeases.ShardLeasing;

namespace Buquet.Actors.Worker.ShardLeases;

/// <summary>
/// Drives a <see cref="ShardLeaseManager"/>: a tick at start and every renewal interval, owned-shard changes pushed to
/// subscribers as <see cref="OwnedShardsChanged"/>. A store outage backs off with jitter (no crash), but leases whose
/// local trust deadline passed are still dropped and published at each attempt, so pollers stop relying on them.
/// </summary>
/// <remarks>
/// Idle (<see cref="WorkerActivity"/>, with <see cref="ShardLeaseSettings.ReleaseWhenIdle"/>): every lease is released
/// (DELETE, free) and <em>every</em> shard is published, so the idle poller's discovery covers the whole space and a
/// worker that crashes while idle leaves no lease behind; instead of renewal ticks a census counts live workers every
/// <see cref="ShardLeaseSettings.IdleCensusInterval"/>. Active again: a tick at once (acquire), then the renewal
/// period. Every tick and census reports the fleet size to the activity.
/// </remarks>
internal sealed class ShardLeaseActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    private const string TickTimer = "tick";

    // Immutable after construction.
    private readonly ShardLeaseManager _manager;
    private readonly StoreBackoff _backoff;
    private readonly Func<double> _random;
    private readonly IActorRef? _listener;
    private readonly ILogger _logger;
    private readonly IActorRef? _activity;
    private readonly IReadOnlySet<string> _allShards;

    // Actor-confined.
    private readonly HashSet<IActorRef> _subscribers = [];
    private IReadOnlySet<string> _published;
    private int _failures;
    private bool _released;
    private bool _idleReleased;

    public ShardLeaseActor(ShardLeaseManager manager, StoreBackoff backoff, Func<double> random, IActorRef? subscriber, IActorRef? listener, ILogger? logger, IActorRef? activity = null)
    {
        _manager = manager;
        _backoff = backoff;
        _random = random;
        _listener = listener;
        _logger = logger ?? NullLogger.Instance;
        _activity = activity;
        _allShards = new HashSet<string>(manager.Settings.Shards, StringComparer.Ordinal);
        _published = manager.OwnedShards;
        if (subscriber is not null)
        {
            _subscribers.Add(subscriber);
        }

        Receive<Subscribe>(s =>
        {
            _subscribers.Add(s.Subscriber);
            s.Subscriber.Tell(new OwnedShardsChanged(_published), Self);
        });
        Receive<Unsubscribe>(s => _subscribers.Remove(s.Subscriber));
        Receive<GetOwnedShards>(_ => Sender.Tell(new OwnedShardsChanged(_manager.OwnedShards), Self));
        ReceiveAsync<Tick>(_ => TickAsync());
        ReceiveAsync<ReleaseAll>(_ => ReleaseAllAsync());
        ReceiveAsync<WorkerActivity.Changed>(OnActivityAsync);
    }

    private TimeSpan Period => _idleReleased ? _manager.Settings.IdleCensusInterval : _manager.Settings.EffectiveRenewalInterval;

    protected override void PreStart()
    {
        foreach (var s in _subscribers)
        {
            s.Tell(new OwnedShardsChanged(_published), Self);
        }

        Self.Tell(Tick.Instance);
        Timers.StartPeriodicTimer(TickTimer, Tick.Instance, _manager.Settings.EffectiveRenewalInterval);
        _activity?.Tell(new WorkerActivity.Subscribe(Self));
    }

    private async Task OnActivityAsync(WorkerActivity.Changed changed)
    {
        if (_released || !_manager.Settings.ReleaseWhenIdle || changed.Idle == _idleReleased)
        {
            return;
        }

        if (changed.Idle)
        {
            _idleReleased = true;
            var clean = true;
            try
            {
                await _manager.ReleaseAllAsync();
            }
            catch (ObjectStoreUnavailableException ex)
            {
                clean = false; // they expire after their TTL; nobody renews them
                _logger.LogWarning(ex, "Shard leases could not be released on going idle; they expire after their TTL");
            }

            _failures = 0;
            if (Period > TimeSpan.Zero)
            {
                Timers.StartPeriodicTimer(TickTimer, Tick.Instance, Period);
            }
            else
            {
                Timers.Cancel(TickTimer); // no census: the idle poller counts the fleet
            }

            PublishIfChanged();
            _listener?.Tell(new IdleReleased(clean), Self);
            return;
        }

        // Active again: own shards again at once, then renew at the active cadence.
        _idleReleased = false;
        _failures = 0;
        Timers.StartPeriodicTimer(TickTimer, Tick.Instance, Period);
        await TickAsync();
    }

    private async Task TickAsync()
    {
        if (_released)
        {
            return;
        }

        try
        {
            if (_idleReleased)
            {
                var live = await _manager.CountLiveWorkersAsync();
                _activity?.Tell(new WorkerActivity.SetFleetSize(live));
                _listener?.Tell(new CensusCompleted(live), Self);
            }
            else
            {
                var report = await _manager.TickAsync();
                _activity?.Tell(new WorkerActivity.SetFleetSize(report.LiveWorkers));
                _listener?.Tell(new TickCompleted(report), Self);
            }

            if (_failures > 0 && Period > TimeSpan.Zero)
            {
                Timers.StartPeriodicTimer(TickTimer, Tick.Instance, Period);
            }

            _failures = 0;
        }
        catch (ObjectStoreUnavailableException ex)
        {
            // Never wait longer than a renewal interval: renewals must keep trying before the TTL runs out.
            var delay = _backoff.DelayFor(++_failures, _random());
            delay = delay < Period || Period <= TimeSpan.Zero ? delay : Period;
            _logger.LogWarning(ex, "Shard leases: store unavailable; retrying in {Delay}", delay);
            Timers.StartSingleTimer(TickTimer, Tick.Instance, delay);
            _listener?.Tell(new StoreUnavailable(ex.Message, delay), Self);
        }
        finally
        {
            PublishIfChanged();
        }
    }

    private async Task ReleaseAllAsync()
    {
        _released = true;
        Timers.Cancel(TickTimer);
        var clean = true;
        try
        {
            await _manager.ReleaseAllAsync();
        }
        catch (ObjectStoreUnavailableException ex)
        {
            clean = false; // they expire after the TTL and are taken over then
            _logger.LogWarning(ex, "Shard leases could not be released; they expire after their TTL");
        }

        PublishIfChanged(forceEmpty: true);
        Sender.Tell(new Released(clean), Self);
    }

    private void PublishIfChanged(bool forceEmpty = false)
    {
        IReadOnlySet<string> current = forceEmpty ? new HashSet<string>() : _idleReleased ? _allShards : _manager.OwnedShards;
        if (current.SetEquals(_published))
        {
            return;
        }

        _published = current;
        foreach (var s in _subscribers)
        {
            s.Tell(new OwnedShardsChanged(current), Self);
        }
    }
}
