using System.Collections.Concurrent;

namespace Buquet.Actors.Kernel.Hosting;

/// <summary>Named actors keyed by a marker type, for the host, DI consumers and the dashboard (Akka.Hosting's ActorRegistry).</summary>
public sealed class ActorRegistry
{
    private readonly ConcurrentDictionary<Type, IActorRef> _actors = new();

    /// <summary>All registrations (a snapshot).</summary>
    public IReadOnlyDictionary<Type, IActorRef> Snapshot => new Dictionary<Type, IActorRef>(_actors);

    /// <summary>Registers <paramref name="actor"/> under <typeparamref name="TKey"/>.</summary>
    /// <typeparam name="TKey">The key type (often the actor class or a marker).</typeparam>
    /// <param name="actor">The actor.</param>
    /// <param name="overwrite">Replace an existing registration instead of throwing.</param>
    public void Register<TKey>(IActorRef actor, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (overwrite)
        {
            _actors[typeof(TKey)] = actor;
        }
        else if (!_actors.TryAdd(typeof(TKey), actor))
        {
            throw new InvalidOperationException($"An actor is already registered for key {typeof(TKey).Name} ({_actors[typeof(TKey)].Path}).");
        }
    }

    /// <summary>Looks up the actor registered under <typeparamref name="TKey"/>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="actor">The actor, when found.</param>
    /// <returns>Whether it was found.</returns>
    public bool TryGet<TKey>(out IActorRef? actor) => _actors.TryGetValue(typeof(TKey), out actor);

    /// <summary>Gets the actor registered under <typeparamref name="TKey"/>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <returns>The actor.</returns>
    public IActorRef Get<TKey>() => _actors.TryGetValue(typeof(TKey), out var actor)
        ? actor
        : throw new KeyNotFoundException($"No actor is registered for key {typeof(TKey).Name}.");
}
