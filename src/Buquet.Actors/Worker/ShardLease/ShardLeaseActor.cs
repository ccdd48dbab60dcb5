using Buquet.Actors.Kernel;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Maintenance;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static Buquet.Actors.Worker.ShardLease.ShardLeasing;

namespace Buquet.Actors.Worker.ShardLease;

/// <summary>
/// Drives a <see cref="ShardLeaseManager"/>: a tick at start and every renewal interval, owned-shard changes pushed to
/// subscribers as <see cref="OwnedShardsChanged"/>. A store outage backs off with jitter (no crash), but leases whose
/// local trust deadline passed are still dropped and published at each attempt, so pollers stop relying on them.
/// </summary>
internal sealed class ShardLeaseActor : ReceiveActor
{
    private const string TickTimer = "tick";

    // Immutable after construction.
    private readonly ShardLeaseManager _manager;
    private readonly StoreBackoff _backoff;
    private readonly Func<double> _random;
    private readonly IActorRef? _listener;
    private readonly ILogger _logger;

    // Actor-confined.
    private readonly HashSet<IActorRef> _subscribers = [];
    private IReadOnlySet<string> _published;
    private int _failures;
    private bool _released;

    public ShardLeaseActor(ShardLeaseManager manager, StoreBackoff backoff, Func<double> random, IActorRef? subscriber, IActorRef? listener, ILogger? logger)
    {
        _manager = manager;
        _backoff = backoff;
        _random = random;
        _listener = listener;
        _logger = logger ?? NullLogger.Instance;
        _published = manager.OwnedShards;
        if (subscriber is not null)
        {
            _subscribers.Add(subscriber);
        }

        Receive<Subscribe>(s =>
        {
            _subscribers.Add(s.Subscriber);
            s.Subscriber.Tell(new OwnedShardsChanged(_manager.OwnedShards), Self);
        });
        Receive<Unsubscribe>(s => _subscribers.Remove(s.Subscriber));
        Receive<GetOwnedShards>(_ => Sender?.Tell(new OwnedShardsChanged(_manager.OwnedShards), Self));
        ReceiveAsync<Tick>(_ => TickAsync());
        ReceiveAsync<ReleaseAll>(_ => ReleaseAllAsync());
    }

    protected override void PreStart()
    {
        foreach (var s in _subscribers)
        {
            s.Tell(new OwnedShardsChanged(_published), Self);
        }

        Self.Tell(Tick.Instance);
        Timers.StartPeriodicTimer(TickTimer, Tick.Instance, _manager.Settings.EffectiveRenewalInterval);
    }

    private async Task TickAsync()
    {
        if (_released)
        {
            return;
        }

        try
        {
            var report = await _manager.TickAsync();
            _failures = 0;
            Timers.StartPeriodicTimer(TickTimer, Tick.Instance, _manager.Settings.EffectiveRenewalInterval);
            _listener?.Tell(new TickCompleted(report), Self);
        }
        catch (ObjectStoreUnavailableException ex)
        {
            // Never wait longer than a renewal interval: renewals must keep trying before the TTL runs out.
            var delay = _backoff.DelayFor(++_failures, _random());
            delay = delay < _manager.Settings.EffectiveRenewalInterval ? delay : _manager.Settings.EffectiveRenewalInterval;
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
        Sender?.Tell(new Released(clean), Self);
    }

    private void PublishIfChanged(bool forceEmpty = false)
    {
        IReadOnlySet<string> current = forceEmpty ? new HashSet<string>() : _manager.OwnedShards;
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
