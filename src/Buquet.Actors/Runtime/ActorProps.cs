using Akka.Actor;

namespace Buquet.Actors.Runtime;

/// <summary>
/// Props from a factory delegate (<c>Props.CreateBy</c> with a small <see cref="IIndirectActorProducer"/>), for the actors
/// the worker creates per task. Akka's <c>Props.Create(() =&gt; new X(...))</c> takes an expression tree and evaluates it
/// for every instance; these props cost a delegate call (measured in docs/benchmarks.md, "Actors (Akka.NET)": 0.06 µs
/// and 88 B per Props against 1.3 µs and 504 B, and spawn + stop at about twice the rate).
/// </summary>
public static class ActorProps
{
    /// <summary>Props whose actor is built by <paramref name="factory"/> (called again on every restart).</summary>
    /// <typeparam name="T">The actor type.</typeparam>
    /// <param name="factory">Builds a fresh instance on each call.</param>
    /// <returns>The props.</returns>
    public static Props FromFactory<T>(Func<T> factory)
        where T : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Props.CreateBy(new FactoryProducer<T>(factory));
    }

    private sealed class FactoryProducer<T>(Func<T> factory) : IIndirectActorProducer
        where T : ActorBase
    {
        public Type ActorType => typeof(T);

        public ActorBase Produce() => factory();

        public void Release(ActorBase actor)
        {
        }
    }
}
