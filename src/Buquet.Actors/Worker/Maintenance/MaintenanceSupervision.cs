using Akka.Actor;
using Akka.Pattern;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>
/// Wraps a maintenance actor (monitor, shard leases, registry) in Akka's <see cref="BackoffSupervisor"/>, for
/// failures other than store outages (those the actors absorb themselves with backoff): the child is recreated after
/// 1 s, 2 s, 4 s … up to 60 s (jitter 0.2), and the count resets once it has run for a minute. The services behind
/// the actor (cursors, owned leases, counters) are built outside its factory, so they survive the restart.
/// </summary>
internal static class MaintenanceSupervision
{
    public static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    public const double RandomFactor = 0.2;

    /// <summary>Props of a backoff supervisor around <paramref name="child"/>; messages sent to it are forwarded to the child.</summary>
    /// <param name="child">The actor's props (e.g. <see cref="MaintenanceMonitor.Props"/>).</param>
    /// <param name="childName">The child's name under the supervisor.</param>
    /// <param name="randomFactor">Jitter as a fraction of the delay (Akka adds it after the cap); 0 in tests that time restarts.</param>
    public static Props Supervised(Props child, string childName, double randomFactor = RandomFactor) =>
        BackoffSupervisor.Props(
            Backoff.OnFailure(child, childName, MinBackoff, MaxBackoff, randomFactor, -1).WithAutoReset(TimeSpan.FromMinutes(1)));
}
