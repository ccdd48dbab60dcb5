using Akka.Actor;

namespace Buquet.Actors.Runtime;

/// <summary>
/// Protocol of the worker's activity actor (INTERNAL API): whether the worker is idle and how large the fleet is.
/// The poller is the only writer (<see cref="SetIdle"/> after its idle threshold or on work, <see cref="SetFleetSize"/>
/// from its census); the registry, monitor, shard leases, scheduler and idle memory trim subscribe and change their
/// cadence on <see cref="Changed"/>. State lives in one actor: nothing mutable is shared between actors.
/// </summary>
internal static class WorkerActivity
{
    /// <summary>The worker turned idle (true) or active (false).</summary>
    public sealed record SetIdle(bool Idle);

    /// <summary>Live workers counted by the census (at least 1).</summary>
    public sealed record SetFleetSize(int LiveWorkers);

    /// <summary>
    /// Sends <paramref name="Subscriber"/> the current <see cref="Changed"/> at once and every change after; the activity
    /// actor watches subscribers and forgets one when it stops (no unsubscribe message needed).
    /// </summary>
    public sealed record Subscribe(IActorRef Subscriber);

    /// <summary>Replies the current state as <see cref="Changed"/>.</summary>
    public sealed class GetState
    {
        public static readonly GetState Instance = new();

        private GetState()
        {
        }
    }

    /// <summary>The activity state, sent to subscribers on every change.</summary>
    /// <param name="Idle">Whether the worker is idle.</param>
    /// <param name="FleetSize">Live workers (1 when unknown).</param>
    public sealed record Changed(bool Idle, int FleetSize);

    /// <summary>Props of the activity actor (active, fleet of one).</summary>
    /// <returns>The props.</returns>
    public static Props Props() => ActorProps.FromFactory(static () => new WorkerActivityActor());
}
