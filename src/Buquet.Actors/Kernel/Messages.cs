namespace Buquet.Actors.Kernel;

/// <summary>Status replies, as in Akka: a <see cref="Failure"/> reply faults an Ask.</summary>
public static class Status
{
    /// <summary>A successful reply carrying an optional value.</summary>
    /// <param name="Value">The reply value.</param>
    public sealed record Success(object? Value);

    /// <summary>A failed reply; an Ask receiving it faults with <paramref name="Cause"/>.</summary>
    /// <param name="Cause">The failure.</param>
    public sealed record Failure(Exception Cause);
}

/// <summary>Stops the receiving actor after the messages queued before it are processed.</summary>
public sealed class PoisonPill
{
    /// <summary>The single instance.</summary>
    public static readonly PoisonPill Instance = new();

    private PoisonPill()
    {
    }
}

/// <summary>Makes the receiving actor fail with <see cref="ActorKilledException"/> (default decider: Stop).</summary>
public sealed class Kill
{
    /// <summary>The single instance.</summary>
    public static readonly Kill Instance = new();

    private Kill()
    {
    }
}

/// <summary>Sent to the actor when no message arrived within its receive timeout.</summary>
public sealed class ReceiveTimeout
{
    /// <summary>The single instance.</summary>
    public static readonly ReceiveTimeout Instance = new();

    private ReceiveTimeout()
    {
    }
}

/// <summary>DeathWatch notification: <paramref name="ActorRef"/> has stopped.</summary>
/// <param name="ActorRef">The stopped actor.</param>
public sealed record Terminated(IActorRef ActorRef);

/// <summary>A message that could not be delivered (recipient stopped, or message unhandled).</summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">Its sender, if any.</param>
/// <param name="Recipient">The intended recipient.</param>
/// <param name="Unhandled">True when the recipient was alive but had no matching handler.</param>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient, bool Unhandled);

/// <summary>Published on the event stream when the guardian fails: the actor system is no longer healthy.</summary>
/// <param name="Cause">The escalated failure.</param>
public sealed record ActorSystemFatal(Exception Cause);

/// <summary>Thrown (and handled by supervision) when an actor's constructor or PreStart fails.</summary>
public sealed class ActorInitializationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorInitializationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ActorInitializationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ActorInitializationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>The failure produced by a <see cref="Kill"/> message.</summary>
public sealed class ActorKilledException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorKilledException()
        : base("Kill")
    {
    }

    /// <summary>Creates the exception.</summary>
    public ActorKilledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ActorKilledException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Thrown when a watched actor terminates and the watcher does not handle <see cref="Terminated"/>.</summary>
public sealed class DeathPactException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeathPactException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public DeathPactException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DeathPactException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>An Ask got no reply within its timeout.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public AskTimeoutException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public AskTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AskTimeoutException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>An actor name was invalid or already taken.</summary>
public sealed class InvalidActorNameException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InvalidActorNameException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidActorNameException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidActorNameException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
