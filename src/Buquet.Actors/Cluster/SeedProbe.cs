using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Cluster;

/// <summary>
/// Protocol of the seed probe (ADR 0026, INTERNAL API): merges a fleet that split into clusters that never look for each
/// other. Akka lets only the first seed form a cluster, after <c>seed-node-timeout</c> with no answer from the other
/// seeds; a first seed restarted within a few seconds of its crash gets no answer (its peers still gate its address)
/// and forms a cluster of its own, while the survivor, already a member of another, never looks for it: two singletons
/// forever. So a node alone in its cluster asks every other seed's probe, by remoting, how many members its cluster
/// has (plain strings, Akka's built-in serializer), and starts a new cluster system that joins through the seeds when a
/// seed answers from a bigger cluster, or from another singleton that comes earlier in the seed list (one side moves).
/// </summary>
internal static class SeedProbe
{
    /// <summary>How often a node alone in its cluster asks the other seeds.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>The probe's name under <c>/user</c>, the same on every node.</summary>
    public const string Name = "fleet-seed-probe";

    /// <summary>The question, sent to another seed's probe.</summary>
    public const string Query = "seed-probe members?";

    /// <summary>Prefix of the answer: <c>seed-probe members {n}</c>, n = Up members of the answering node's cluster (0 while it is not Up).</summary>
    public const string AnswerKind = "seed-probe members ";

    /// <summary>Props of the probe of a node whose seeds are <paramref name="seeds"/> (Akka addresses, in configured order).</summary>
    /// <param name="seeds">Every seed's address, this node's included when it is a seed.</param>
    /// <param name="leave">Stops this node's cluster system so that a new one joins through the seeds.</param>
    public static Props Props(IReadOnlyList<Address> seeds, Action<string> leave) =>
        ActorProps.FromFactory(() => new SeedProbeActor(seeds, leave));
}
