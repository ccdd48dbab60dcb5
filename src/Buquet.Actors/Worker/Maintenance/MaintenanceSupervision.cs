using Buquet.Actors.Kernel;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>
/// Wraps a maintenance actor (monitor, shard leases, registry) in the kernel's <see cref="BackoffSupervisor"/>, for
/// failures other than store outages (those the actors absorb themselves with backoff): the child is recreated after
/// 1 s, 2 s, 4 s … up to 60 s (jitter 0.2), and the count resets once it has run for a minute. The services behind
/// the actor (cursors, owned leases, counters) are built outside its factory, so they survive the restart.
/// </summary>
internal static class MaintenanceSupervision
{
    public static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    /// <summary>Props of a backoff supervisor around <paramref name="child"/>; messages sent to it are forwarded to the child.</summary>
    /// <param name="child">The actor's props (e.g. <see cref="MaintenanceMonitor.Props"/>).</param>
    /// <param name="childName">The child's name under the supervisor.</param>
    /// <param name="random">Jitter source; null uses the actor system's.</param>
    public static Props Supervised(Props child, string childName, Func<double>? random = null)
    {
        var options = Backoff.OnFailure(child, childName, MinBackoff, MaxBackoff, 0.2).WithAutoReset(TimeSpan.FromMinutes(1));
        return BackoffSupervisor.Props(random is null ? options : options.WithRandom(random));
    }
}
