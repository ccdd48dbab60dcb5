using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Worker;

/// <summary>
/// Activity signals shared by the actors of one worker process (thread-safe). The poller says when the worker is idle
/// (nothing found for a while, nothing in flight) and when it is active again; whoever counts live workers says how
/// big the fleet is. Background actors (heartbeat, shard leases, monitor) read these to pick their cadence, so an
/// idle fleet costs few requests and scales its per-worker cadence with the fleet size.
/// </summary>
internal sealed class WorkerActivity
{
    private readonly object _gate = new();
    private readonly List<IActorRef> _watchers = [];
    private readonly CancellationTokenSource _stopping = new();
    private bool _idle;
    private int _fleetSize = 1;

    /// <summary>True while the worker is idle (see the poller for the rule).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return _idle;
            }
        }
    }

    /// <summary>Live workers in the fleet, counting this one (at least 1).</summary>
    public int FleetSize
    {
        get
        {
            lock (_gate)
            {
                return _fleetSize;
            }
        }
    }

    /// <summary>
    /// Cancelled when the worker starts its shutdown: background work in progress (a monitor pass walking the bucket)
    /// stops at its next request instead of holding the process past the drain.
    /// </summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The worker is shutting down (idempotent).</summary>
    public void SignalStopping()
    {
        lock (_gate)
        {
            if (!_stopping.IsCancellationRequested)
            {
                _stopping.Cancel();
            }
        }
    }

    /// <summary>Tells <paramref name="watcher"/> a <see cref="Changed"/> message on every change (and now, once).</summary>
    public void Watch(IActorRef watcher)
    {
        ArgumentNullException.ThrowIfNull(watcher);
        Changed now;
        lock (_gate)
        {
            _watchers.Add(watcher);
            now = new Changed(_idle, _fleetSize);
        }

        watcher.Tell(now);
    }

    /// <summary>Stops telling <paramref name="watcher"/>.</summary>
    public void Unwatch(IActorRef watcher)
    {
        lock (_gate)
        {
            _watchers.Remove(watcher);
        }
    }

    /// <summary>Sets the idle flag; watchers are told only when it changes.</summary>
    public void SetIdle(bool idle) => Update(idle, null);

    /// <summary>Sets the fleet size (values below 1 count as 1); watchers are told only when it changes.</summary>
    public void SetFleetSize(int liveWorkers) => Update(null, Math.Max(1, liveWorkers));

    private void Update(bool? idle, int? fleetSize)
    {
        Changed message;
        IActorRef[] watchers;
        lock (_gate)
        {
            var newIdle = idle ?? _idle;
            var newSize = fleetSize ?? _fleetSize;
            if (newIdle == _idle && newSize == _fleetSize)
            {
                return;
            }

            _idle = newIdle;
            _fleetSize = newSize;
            message = new Changed(newIdle, newSize);
            watchers = [.. _watchers];
        }

        foreach (var watcher in watchers)
        {
            watcher.Tell(message);
        }
    }

    /// <summary>Told to watchers: the current idle flag and fleet size.</summary>
    /// <param name="Idle">True while the worker is idle.</param>
    /// <param name="FleetSize">Live workers, counting this one.</param>
    public sealed record Changed(bool Idle, int FleetSize);
}
