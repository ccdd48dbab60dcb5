namespace Buquet.Actors.Worker.LeaseRenewers;

/// <summary>The lease arithmetic (see README.md next to this file). All instants are on the store clock.</summary>
internal static class TrustWindow
{
    private static readonly TimeSpan MinMargin = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxMargin = TimeSpan.FromSeconds(30);

    /// <summary>The safety margin subtracted from a lease expiry: a tenth of the lease length, within [100 ms, 30 s].</summary>
    public static TimeSpan Margin(TimeSpan leaseLength)
    {
        var tenth = leaseLength / 10;
        return tenth < MinMargin ? MinMargin : tenth > MaxMargin ? MaxMargin : tenth;
    }

    /// <summary>Until when results may be committed under a lease expiring at <paramref name="leaseExpiresAt"/>.</summary>
    public static DateTimeOffset TrustedUntil(DateTimeOffset leaseExpiresAt, TimeSpan leaseLength) => leaseExpiresAt - Margin(leaseLength);

    /// <summary>
    /// The automatic renewal period: <paramref name="fraction"/> of the lease length, never more than a third of it
    /// (so two renewals can fail before the lease runs out); null when renewal is off (fraction 0).
    /// </summary>
    public static TimeSpan? RenewEvery(TimeSpan leaseLength, double fraction)
    {
        if (fraction <= 0 || leaseLength <= TimeSpan.Zero)
        {
            return null;
        }

        var period = leaseLength * Math.Min(fraction, 1.0 / 3);
        return period < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : period;
    }

    /// <summary>The lease length used by renewals: the task's own lease (its timeout) capped by the worker's lease TTL.</summary>
    public static TimeSpan LeaseLength(long timeoutSeconds, TimeSpan leaseTtl)
    {
        var own = TimeSpan.FromSeconds(Math.Max(1, timeoutSeconds));
        return leaseTtl > TimeSpan.Zero && leaseTtl < own ? leaseTtl : own;
    }
}
