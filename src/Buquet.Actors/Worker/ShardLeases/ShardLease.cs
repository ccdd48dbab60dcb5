using Buquet.Actors.Configuration;
using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Worker.Maintenance;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.ShardLeases;

/// <summary>
/// Protocol of the shard-lease actor (<see cref="ShardLeaseActor"/>). Named <c>ShardLeasing</c> because
/// <c>ShardLease</c> is both this folder's namespace and the protocol's lease record.
/// </summary>
internal static class ShardLeasing
{
    /// <summary>Marker of the messages the shard-lease actor handles.</summary>
    internal interface IShardLeaseMessage;

    /// <summary>Actor settings: the manager's settings plus the store backoff.</summary>
    public sealed record Settings(ShardLeaseSettings Leases, StoreBackoff Backoff)
    {
        /// <summary>From <c>buquet.worker.shard-leasing</c>, <c>buquet.worker.shards</c> and <c>buquet.monitor.worker-health-threshold</c>.</summary>
        public static Settings FromOptions(BuquetOptions options) => new(ShardLeaseSettings.From(options), StoreBackoff.Default);
    }

    /// <summary>Adds a subscriber; it is sent the current <see cref="OwnedShardsChanged"/> at once and on every change.</summary>
    public sealed record Subscribe(IActorRef Subscriber) : IShardLeaseMessage;

    /// <summary>Removes a subscriber.</summary>
    public sealed record Unsubscribe(IActorRef Subscriber) : IShardLeaseMessage;

    /// <summary>Event: the shards this worker holds now (an immutable set; poll exactly these).</summary>
    public sealed record OwnedShardsChanged(IReadOnlySet<string> Shards);

    /// <summary>Asks for the owned shards; answered with <see cref="OwnedShardsChanged"/>.</summary>
    public sealed class GetOwnedShards : IShardLeaseMessage
    {
        public static readonly GetOwnedShards Instance = new();

        private GetOwnedShards()
        {
        }
    }

    /// <summary>Renew / rebalance now (also sent by the renewal timer).</summary>
    public sealed class Tick : IShardLeaseMessage
    {
        public static readonly Tick Instance = new();

        private Tick()
        {
        }
    }

    /// <summary>Shutdown phase: stop renewing and acquiring, DELETE every owned lease; answered with <see cref="Released"/>.</summary>
    public sealed class ReleaseAll : IShardLeaseMessage
    {
        public static readonly ReleaseAll Instance = new();

        private ReleaseAll()
        {
        }
    }

    /// <summary>Reply to <see cref="ReleaseAll"/>: no lease is held any more (or the store was unreachable: they expire after the TTL).</summary>
    public sealed record Released(bool Clean);

    /// <summary>Event to the listener: a tick finished.</summary>
    public sealed record TickCompleted(ShardLeaseTickReport Report);

    /// <summary>Event to the listener: the worker went idle and its leases were released (<paramref name="Clean"/> false: the store was unreachable, they expire).</summary>
    public sealed record IdleReleased(bool Clean);

    /// <summary>Event to the listener: an idle census counted <paramref name="LiveWorkers"/>.</summary>
    public sealed record CensusCompleted(int LiveWorkers);

    /// <summary>Event to the listener: the store was unavailable; retried after <paramref name="RetryIn"/>.</summary>
    public sealed record StoreUnavailable(string Error, TimeSpan RetryIn);

    /// <summary>
    /// Props of the shard-lease actor. The <paramref name="manager"/> (owned leases, cursors) is built by the caller
    /// and outlives restarts of the actor.
    /// </summary>
    /// <param name="manager">The lease logic.</param>
    /// <param name="backoff">Retry delays after the store was unavailable.</param>
    /// <param name="random">Jitter in [0, 1).</param>
    /// <param name="subscriber">A first subscriber (e.g. the supervisor or poller), or null.</param>
    /// <param name="listener">Receives <see cref="TickCompleted"/> and <see cref="StoreUnavailable"/>; optional.</param>
    /// <param name="logger">Diagnostics.</param>
    /// <param name="activity">The worker's activity: idle releases the leases (when the settings say so), and every
    /// tick or census reports the fleet size to it; optional.</param>
    public static Props Props(ShardLeaseManager manager, StoreBackoff backoff, Func<double> random, IActorRef? subscriber = null, IActorRef? listener = null, ILogger? logger = null, IActorRef? activity = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(backoff);
        ArgumentNullException.ThrowIfNull(random);
        backoff.Validate();
        return ActorProps.FromFactory(() => new ShardLeaseActor(manager, backoff, random, subscriber, listener, logger, activity));
    }
}
