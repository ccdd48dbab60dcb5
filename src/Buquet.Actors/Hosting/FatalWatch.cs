using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Hosting;

/// <summary>Protocol of the actor that turns the worker supervisor's death into a host stop (INTERNAL API).</summary>
internal static class FatalWatch
{
    /// <summary>Props for a watcher of <paramref name="target"/> that calls <paramref name="onTerminated"/> once when it stops.</summary>
    /// <param name="target">The watched actor.</param>
    /// <param name="onTerminated">Called on the watcher's thread; decides whether the stop is fatal.</param>
    /// <returns>The props.</returns>
    public static Props Props(IActorRef target, Action onTerminated) =>
        ActorProps.FromFactory(() => new FatalWatchActor(target, onTerminated));
}
