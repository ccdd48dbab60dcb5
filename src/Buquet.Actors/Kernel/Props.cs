namespace Buquet.Actors.Kernel;

/// <summary>
/// The recipe for an actor: the factory is re-run on every restart, so it must build a fresh instance.
/// Optionally carries the supervisor strategy the actor applies to its children.
/// </summary>
public sealed class Props
{
    private Props(Func<ReceiveActor> factory, SupervisorStrategy? strategy, Type actorType)
    {
        Factory = factory;
        SupervisorStrategy = strategy;
        ActorType = actorType;
    }

    /// <summary>The declared actor type (for diagnostics).</summary>
    public Type ActorType { get; }

    /// <summary>The strategy used for this actor's children, or null to use the actor's own or the default.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    internal Func<ReceiveActor> Factory { get; }

    /// <summary>Props for an actor with a parameterless constructor.</summary>
    /// <typeparam name="T">The actor type.</typeparam>
    /// <returns>The props.</returns>
    public static Props Create<T>()
        where T : ReceiveActor, new() => new(static () => new T(), null, typeof(T));

    /// <summary>Props from a factory that builds a new instance each time it is called.</summary>
    /// <typeparam name="T">The actor type.</typeparam>
    /// <param name="factory">The factory; called on start and on every restart.</param>
    /// <returns>The props.</returns>
    public static Props Create<T>(Func<T> factory)
        where T : ReceiveActor
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new(factory, null, typeof(T));
    }

    /// <summary>Returns a copy whose actor supervises its children with <paramref name="strategy"/>.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The new props.</returns>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new(Factory, strategy, ActorType);
    }
}
