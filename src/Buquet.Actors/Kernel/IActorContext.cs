namespace Buquet.Actors.Kernel;

/// <summary>The actor's view of itself and the system. Use only from the actor's own handlers.</summary>
public interface IActorContext
{
    /// <summary>This actor's reference.</summary>
    IActorRef Self { get; }

    /// <summary>The sender of the message being processed (null when none).</summary>
    IActorRef? Sender { get; }

    /// <summary>The parent (the user guardian for top-level actors).</summary>
    IActorRef Parent { get; }

    /// <summary>The actor system.</summary>
    ActorSystem System { get; }

    /// <summary>The actor's keyed timers, cancelled on restart and stop.</summary>
    ITimerScheduler Timers { get; }

    /// <summary>The live children.</summary>
    IReadOnlyCollection<IActorRef> Children { get; }

    /// <summary>Creates a child actor.</summary>
    /// <param name="props">The recipe.</param>
    /// <param name="name">A unique child name (no '/', not starting with '$'); null for a generated one.</param>
    /// <returns>The child's reference.</returns>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>Finds a live child by name.</summary>
    /// <param name="name">The child name.</param>
    /// <returns>The child, or null.</returns>
    IActorRef? Child(string name);

    /// <summary>Stops a child or this actor (asynchronously, after the current message).</summary>
    /// <param name="actor">The actor to stop.</param>
    void Stop(IActorRef actor);

    /// <summary>Delivers <see cref="Terminated"/> when <paramref name="actor"/> stops (immediately if already stopped).</summary>
    /// <param name="actor">The actor to watch.</param>
    void Watch(IActorRef actor);

    /// <summary>Stops watching; no <see cref="Terminated"/> is delivered afterwards.</summary>
    /// <param name="actor">The actor.</param>
    void Unwatch(IActorRef actor);

    /// <summary>Sends <see cref="ReceiveTimeout"/> after <paramref name="timeout"/> without messages; null disables it.</summary>
    /// <param name="timeout">The sliding idle timeout.</param>
    void SetReceiveTimeout(TimeSpan? timeout);
}

/// <summary>Keyed timers bound to the actor's life (Akka's ITimerScheduler).</summary>
public interface ITimerScheduler
{
    /// <summary>Sends <paramref name="message"/> to self once after <paramref name="delay"/>; replaces a timer with the same key.</summary>
    /// <param name="key">The timer key.</param>
    /// <param name="message">The message.</param>
    /// <param name="delay">The delay.</param>
    void StartSingleTimer(object key, object message, TimeSpan delay);

    /// <summary>Sends <paramref name="message"/> to self every <paramref name="interval"/>; replaces a timer with the same key.</summary>
    /// <param name="key">The timer key.</param>
    /// <param name="message">The message.</param>
    /// <param name="interval">The period.</param>
    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    /// <summary>Cancels the timer; a tick already queued is not delivered.</summary>
    /// <param name="key">The timer key.</param>
    void Cancel(object key);

    /// <summary>Cancels all timers.</summary>
    void CancelAll();

    /// <summary>True when a timer with this key is pending.</summary>
    /// <param name="key">The timer key.</param>
    /// <returns>Whether it is active.</returns>
    bool IsTimerActive(object key);
}
