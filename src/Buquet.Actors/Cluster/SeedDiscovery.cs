using Akka.Actor;
using Buquet.Actors.Runtime;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Cluster;

/// <summary>
/// Protocol of the seed look-up of a fleet system with <c>discovery = kubernetes-api</c> (ADR 0028, INTERNAL API): it
/// asks Akka.Discovery for the fleet's pods until at least <c>required-contact-points</c> are known (this node
/// included), then joins them as seed nodes, lowest address first, and stops. Akka's seed-node process does the rest:
/// a node that is first in the list joins any seed that is already a member and forms a new cluster only when none
/// answers; the others join whichever seed answers. A failed look-up (API unreachable, RBAC forbidding the pod list)
/// is retried with backoff, 1 s doubling up to 15 s; meanwhile the node is isolated and the worker runs over S3.
/// </summary>
internal static class SeedDiscovery
{
    /// <summary>First wait between look-ups.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between look-ups.</summary>
    public static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait for one look-up's answer.</summary>
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Props of the look-up, logging its progress to <paramref name="logger"/>.</summary>
    public static Props Props(ILogger logger) => ActorProps.FromFactory(() => new SeedDiscoveryActor(logger));
}
