namespace Buquet.Actors.Kernel;

/// <summary>Messages of the system lane, processed before user messages. Linked into a lock-free stack.</summary>
internal abstract class SystemMessage
{
    internal SystemMessage? Next;
}

internal sealed class CreateMsg : SystemMessage;

internal sealed class ResumeMsg : SystemMessage;

internal sealed class TerminateMsg : SystemMessage;

internal sealed class RestartMsg(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

internal sealed class FailedMsg(ActorCell child, Exception cause) : SystemMessage
{
    public ActorCell Child { get; } = child;

    public Exception Cause { get; } = cause;
}

internal sealed class WatchMsg(IActorRef watcher) : SystemMessage
{
    public IActorRef Watcher { get; } = watcher;
}

internal sealed class UnwatchMsg(IActorRef watcher) : SystemMessage
{
    public IActorRef Watcher { get; } = watcher;
}

internal sealed class DeathWatchNotification(ActorCell actor) : SystemMessage
{
    public ActorCell Actor { get; } = actor;
}

/// <summary>User-lane wrapper for a keyed timer tick; dropped if the key's generation moved on.</summary>
internal sealed class TimerTick(object key, int generation, object message, bool periodic)
{
    public object Key { get; } = key;

    public int Generation { get; } = generation;

    public object Message { get; } = message;

    public bool Periodic { get; } = periodic;
}

/// <summary>User-lane receive-timeout tick; dropped unless its generation is current.</summary>
internal sealed class ReceiveTimeoutTick(int generation)
{
    public int Generation { get; } = generation;
}

internal readonly record struct Envelope(object Message, IActorRef? Sender);
