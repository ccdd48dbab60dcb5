using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Worker.Memory;

/// <summary>
/// Protocol of <see cref="IdleMemoryTrimActor"/>: once a worker has been idle for <see cref="Settings.SettleDelay"/>,
/// one aggressive, compacting full collection gives the heap the work left behind back to the OS (ADR 0010). It runs
/// once per idle period, never while tasks run.
/// </summary>
internal static class IdleMemoryTrim
{
    /// <summary>Marker of the messages the actor handles.</summary>
    internal interface IIdleMemoryTrimMessage;

    /// <summary>Settings.</summary>
    /// <param name="SettleDelay">Time idle before the collection (the last batch's garbage is then unreachable).</param>
    public sealed record Settings(TimeSpan SettleDelay)
    {
        /// <summary>The default: 10 s after going idle.</summary>
        public static Settings Default { get; } = new(TimeSpan.FromSeconds(10));
    }

    /// <summary>Timer: the worker has stayed idle for the settle delay.</summary>
    internal sealed class Settled : IIdleMemoryTrimMessage
    {
        public static readonly Settled Instance = new();

        private Settled()
        {
        }
    }

    /// <summary>Told to the listener after each trim (tests).</summary>
    /// <param name="Count">Trims so far.</param>
    public sealed record Trimmed(int Count);

    /// <summary>The collection the host uses: aggressive (decommits free regions), blocking and compacting.</summary>
    public static void CollectAggressively() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>Props; <paramref name="trim"/> is the collection (tests pass a recorder).</summary>
    public static Props Props(IActorRef activity, Settings settings, Action trim, IActorRef? listener = null)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(trim);
        return ActorProps.FromFactory(() => new IdleMemoryTrimActor(activity, settings, trim, listener));
    }
}
