namespace Buquet.Actors.Kernel;

/// <summary>An immutable, thread-safe handle to an actor. Messages are delivered at most once, FIFO per sender.</summary>
public interface IActorRef
{
    /// <summary>The actor's path.</summary>
    ActorPath Path { get; }

    /// <summary>Enqueues <paramref name="message"/> without waiting; the receiver never runs on the caller's thread.</summary>
    /// <param name="message">The message (immutable by convention).</param>
    /// <param name="sender">Who the receiver sees as <c>Sender</c>; null for no sender.</param>
    void Tell(object message, IActorRef? sender = null);
}
