namespace Buquet.Actors.Kernel;

/// <summary>Publish/subscribe by message type (dead letters, <see cref="ActorSystemFatal"/>, custom events).</summary>
public sealed class EventStream
{
    private readonly object _gate = new();
    private (Type Type, IActorRef Subscriber)[] _subscriptions = [];

    /// <summary>Delivers every published event assignable to <paramref name="eventType"/> to <paramref name="subscriber"/>.</summary>
    /// <param name="subscriber">The subscriber.</param>
    /// <param name="eventType">The event type (base types and interfaces match subtypes).</param>
    public void Subscribe(IActorRef subscriber, Type eventType)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(eventType);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, (eventType, subscriber)];
        }
    }

    /// <summary>Removes all subscriptions of <paramref name="subscriber"/>.</summary>
    /// <param name="subscriber">The subscriber.</param>
    public void Unsubscribe(IActorRef subscriber)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions.Where(s => !ReferenceEquals(s.Subscriber, subscriber))];
        }
    }

    /// <summary>Publishes an event to matching subscribers.</summary>
    /// <param name="event">The event.</param>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var subscriptions = Volatile.Read(ref _subscriptions);
        foreach (var (type, subscriber) in subscriptions)
        {
            if (type.IsInstanceOfType(@event))
            {
                subscriber.Tell(@event);
            }
        }
    }
}
