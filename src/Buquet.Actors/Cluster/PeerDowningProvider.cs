using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Cluster;

/// <summary>
/// The fleet cluster's downing provider (ADR 0026, loaded by Akka from <c>akka.cluster.downing-provider-class</c>): the
/// leader of the reachable side downs a peer that stayed unreachable for <c>buquet.cluster.down-unreachable-after</c>,
/// and no node ever downs itself. A partition therefore leaves each side running as a cluster of its own, which is
/// harmless here because the cluster carries only "look now" hints (no singleton, no sharding, no state); Akka's
/// split-brain resolver strategies would instead down a healthy side (a 2-node keep-majority cluster downed its
/// survivor in the probe of akka-notes.md).
/// </summary>
internal sealed class PeerDowningProvider : Akka.Cluster.IDowningProvider
{
    private readonly TimeSpan _after;

    /// <summary>Created by Akka through reflection.</summary>
    public PeerDowningProvider(ActorSystem system, Akka.Cluster.Cluster cluster)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(cluster);
        _after = system.Settings.Config.GetTimeSpan(FleetClusterSettings.DownUnreachableAfterPath, TimeSpan.FromSeconds(15), allowInfinite: false);
    }

    /// <summary>No shards or singletons wait for a downed side: no margin.</summary>
    public TimeSpan DownRemovalMargin => TimeSpan.Zero;

    /// <summary>The actor that downs unreachable peers.</summary>
    public Props DowningActorProps => ActorProps.FromFactory(() => new PeerDowningActor(_after));
}
