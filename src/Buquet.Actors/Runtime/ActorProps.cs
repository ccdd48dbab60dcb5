using Akka.Actor;

namespace Buquet.Actors.Runtime;

/// <summary>
/// Props from a factory delegate. Akka's <c>Props.Create(() =&gt; new X(...))</c> compiles an expression tree per call
/// (1.1–1.3 ms of CPU each, measured), too much for actors created per task; these props cost a delegate call.
/// </summary>
public static class ActorProps
{
    /// <summary>Props whose actor is built by <paramref name="factory"/> (called again on every restart).</summary>
    /// <typeparam name="T">The actor type.</typeparam>
    /// <param name="factory">Builds a fresh instance on each call.</param>
    /// <returns>The props.</returns>
    public static Props Create<T>(Func<T> factory)
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
