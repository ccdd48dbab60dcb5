namespace Buquet.Actors.Kernel;

/// <summary>
/// Base class for actors: register handlers in the constructor with <see cref="Receive{T}(Action{T}, Predicate{T}?)"/>
/// and <see cref="ReceiveAsync{T}(Func{T, Task}, Predicate{T}?)"/>; the first matching handler wins.
/// An async handler holds the mailbox (no other message, not even Stop, is processed) until its task completes.
/// </summary>
public abstract class ReceiveActor
{
    private readonly ActorCell _cell;
    private List<Handler> _handlers = new(4);

    /// <summary>Binds the instance to the actor cell creating it.</summary>
    protected ReceiveActor()
    {
        _cell = ActorCell.Creating ?? throw new InvalidOperationException(
            $"Actor {GetType().Name} must be created through Props and ActorOf, not with 'new'.");
    }

    /// <summary>This actor's context.</summary>
    protected IActorContext Context => _cell;

    /// <summary>This actor's reference.</summary>
    protected IActorRef Self => _cell;

    /// <summary>The sender of the current message (null when none). Stable across awaits in async handlers.</summary>
    protected IActorRef? Sender => _cell.CurrentSender;

    /// <summary>This actor's timers.</summary>
    protected ITimerScheduler Timers => _cell.Timers;

    /// <summary>Registers a handler for messages of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="handler">The handler.</param>
    /// <param name="shouldHandle">An optional filter.</param>
    protected void Receive<T>(Action<T> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(new SyncHandler<T>(handler, shouldHandle));
    }

    /// <summary>Registers an async handler; the mailbox is held until the returned task completes.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="handler">The handler.</param>
    /// <param name="shouldHandle">An optional filter.</param>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(new AsyncHandler<T>(handler, shouldHandle));
    }

    /// <summary>Registers a catch-all handler.</summary>
    /// <param name="handler">The handler.</param>
    protected void ReceiveAny(Action<object> handler) => Receive(handler);

    /// <summary>Replaces all handlers with those registered by <paramref name="configure"/>.</summary>
    /// <param name="configure">Registers the new behaviour's handlers.</param>
    protected void Become(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _handlers = new List<Handler>(4);
        configure();
    }

    /// <summary>Called for messages no handler matched; publishes a dead letter (unhandled).</summary>
    /// <param name="message">The message.</param>
    protected virtual void Unhandled(object message) => _cell.PublishUnhandled(message);

    /// <summary>Called once after the instance is created, before the first message.</summary>
    protected virtual void PreStart()
    {
    }

    /// <summary>Called after the actor stopped (children already stopped).</summary>
    protected virtual void PostStop()
    {
    }

    /// <summary>Called on the failed instance before restart. Default: stop all children, then <see cref="PostStop"/>.</summary>
    /// <param name="reason">The failure.</param>
    /// <param name="message">The message being processed when it failed, if any.</param>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.Children)
        {
            Context.Stop(child);
        }

        PostStop();
    }

    /// <summary>Called on the fresh instance after restart. Default: <see cref="PreStart"/>.</summary>
    /// <param name="reason">The failure.</param>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>The strategy for this actor's children, used when Props carry none. Default: Akka's default.</summary>
    /// <returns>The strategy.</returns>
    protected virtual SupervisorStrategy SupervisorStrategy() => Kernel.SupervisorStrategy.Default;

    internal void InvokePreStart() => PreStart();

    internal void InvokePostStop() => PostStop();

    internal void InvokePreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal void InvokePostRestart(Exception reason) => PostRestart(reason);

    internal SupervisorStrategy InvokeSupervisorStrategy() => SupervisorStrategy();

    /// <summary>Runs the first matching handler. Returns false when none matched.</summary>
    internal bool TryHandle(object message, out Task? pending)
    {
        var handlers = _handlers;
        for (var i = 0; i < handlers.Count; i++)
        {
            if (handlers[i].TryHandle(message, out pending))
            {
                return true;
            }
        }

        pending = null;
        if (message is Terminated t)
        {
            throw new DeathPactException($"Monitored actor {t.ActorRef.Path} terminated and {_cell.Path} does not handle Terminated.");
        }

        Unhandled(message);
        return false;
    }

    private abstract class Handler
    {
        public abstract bool TryHandle(object message, out Task? pending);
    }

    private sealed class SyncHandler<T>(Action<T> handler, Predicate<T>? filter) : Handler
    {
        public override bool TryHandle(object message, out Task? pending)
        {
            pending = null;
            if (message is T typed && (filter is null || filter(typed)))
            {
                handler(typed);
                return true;
            }

            return false;
        }
    }

    private sealed class AsyncHandler<T>(Func<T, Task> handler, Predicate<T>? filter) : Handler
    {
        public override bool TryHandle(object message, out Task? pending)
        {
            if (message is T typed && (filter is null || filter(typed)))
            {
                pending = handler(typed);
                return true;
            }

            pending = null;
            return false;
        }
    }
}
