using Buquet.Actors.Configuration;
using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.Maintenance;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Registry;

/// <summary>
/// Protocol of the registry actor (<see cref="RegistryActor"/>): registers this worker at start, heartbeats every
/// interval, tracks the tasks running here, deregisters on request. Named <c>WorkerHeartbeat</c> because
/// <c>Registry</c> is this folder's namespace.
/// </summary>
internal static class WorkerHeartbeat
{
    /// <summary>Marker of the messages the registry actor handles.</summary>
    internal interface IRegistryMessage;

    /// <summary>Settings.</summary>
    /// <param name="HeartbeatInterval">Period of the unconditional PUT of <c>workers/{id}.json</c>.</param>
    /// <param name="Backoff">Retry delays after the store was unavailable (capped at the heartbeat interval).</param>
    public sealed record Settings(TimeSpan HeartbeatInterval, StoreBackoff Backoff)
    {
        /// <summary>Period while the worker is idle (<c>buquet.worker.idle-heartbeat-interval</c>); keep it under the
        /// peers' 60 s health threshold. Defaults to <see cref="HeartbeatInterval"/> (no idle slow-down).</summary>
        public TimeSpan? IdleHeartbeatInterval { get; init; }

        /// <summary>The period for the given activity.</summary>
        public TimeSpan IntervalFor(bool idle) => idle && IdleHeartbeatInterval is { } slow ? slow : HeartbeatInterval;

        /// <summary>From <c>buquet.worker.heartbeat-interval</c> and <c>idle-heartbeat-interval</c>.</summary>
        public static Settings FromOptions(WorkerOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            return new Settings(options.HeartbeatInterval, StoreBackoff.Default) { IdleHeartbeatInterval = options.IdleHeartbeatInterval }.Validate();
        }

        /// <summary>Throws naming the bad value.</summary>
        public Settings Validate()
        {
            if (HeartbeatInterval <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), HeartbeatInterval, "Heartbeat interval must be positive.");
            }

            if (IdleHeartbeatInterval is { } idle && idle < HeartbeatInterval)
            {
                throw new ArgumentOutOfRangeException(nameof(IdleHeartbeatInterval), idle, $"Idle heartbeat interval must be at least the heartbeat interval ({HeartbeatInterval}).");
            }

            ArgumentNullException.ThrowIfNull(Backoff);
            Backoff.Validate();
            return this;
        }
    }

    /// <summary>A task began executing in this worker (from the executor or supervisor).</summary>
    public sealed record TaskStarted(Guid TaskId) : IRegistryMessage;

    /// <summary>A task finished in this worker; <paramref name="Failed"/> counts it in <c>tasks_failed</c>.</summary>
    public sealed record TaskFinished(Guid TaskId, bool Failed) : IRegistryMessage;

    /// <summary>Write the heartbeat now (also sent by the heartbeat timer).</summary>
    public sealed class Heartbeat : IRegistryMessage
    {
        public static readonly Heartbeat Instance = new();

        private Heartbeat()
        {
        }
    }

    /// <summary>Shutdown phase: stop heartbeating and DELETE the entry; answered with <see cref="Deregistered"/>.</summary>
    public sealed class Deregister : IRegistryMessage
    {
        public static readonly Deregister Instance = new();

        private Deregister()
        {
        }
    }

    /// <summary>Reply to <see cref="Deregister"/>; <paramref name="Clean"/> is false when the store was unreachable (the entry then goes stale after 60 s).</summary>
    public sealed record Deregistered(bool Clean);

    /// <summary>Event to the listener: an entry was written (registration or heartbeat).</summary>
    public sealed record HeartbeatWritten(WorkerInfo Info);

    /// <summary>Event to the listener: the store was unavailable; retried after <paramref name="RetryIn"/>.</summary>
    public sealed record StoreUnavailable(string Error, TimeSpan RetryIn);

    /// <summary>Props of the registry actor; the <paramref name="registry"/> (counters, current tasks) outlives restarts.</summary>
    /// <param name="registry">This worker's registry entry.</param>
    /// <param name="settings">Heartbeat interval and backoff.</param>
    /// <param name="random">Jitter in [0, 1).</param>
    /// <param name="listener">Receives <see cref="HeartbeatWritten"/> and <see cref="StoreUnavailable"/>; optional.</param>
    /// <param name="logger">Diagnostics.</param>
    /// <param name="activity">The worker's idle flag: heartbeats slow to the idle interval while idle; optional.</param>
    public static Props Props(WorkerRegistry registry, Settings settings, Func<double> random, IActorRef? listener = null, ILogger? logger = null, IActorRef? activity = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(random);
        settings.Validate();
        return ActorProps.FromFactory(() => new RegistryActor(registry, settings, random, listener, logger, activity));
    }
}
