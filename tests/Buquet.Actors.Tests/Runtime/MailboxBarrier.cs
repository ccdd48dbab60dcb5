using Akka.Actor;

namespace Buquet.Actors.Tests.Runtime;

/// <summary>
/// Waits until an actor has processed every message already in its mailbox: <see cref="Identify"/> is handled in
/// mailbox order (after the actor's PreStart for a new actor), so its reply comes after them. Messages a fake-clock
/// advance made due (timers) are already enqueued, so by the reply their work is done too.
/// </summary>
internal static class MailboxBarrier
{
    /// <summary>Returns once <paramref name="actor"/> has processed what was sent to it before this call.</summary>
    public static Task UntilProcessedAsync(this IActorRef actor, TimeSpan guard) =>
        actor.Ask<ActorIdentity>(new Identify(null), guard);
}
