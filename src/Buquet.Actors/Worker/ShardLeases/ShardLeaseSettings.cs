using Buquet.Actors.Configuration;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.Worker.ShardLeases;

/// <summary>Settings of a <see cref="ShardLeaseManager"/>.</summary>
/// <param name="Shards">The shards leased among the fleet (the configured shard list, or every shard of the space).</param>
/// <param name="LeaseTtl">Lease length written into <c>lease_expires_at</c>.</param>
/// <param name="RenewalInterval">Period of <see cref="ShardLeaseManager.TickAsync"/>; capped at a third of the TTL.</param>
/// <param name="HealthThreshold">A worker whose heartbeat is older is not counted alive (peers use 60 s).</param>
/// <param name="ActiveHeartbeatAge">
/// An under-target worker is given shards (others release their surplus) only while its heartbeat is younger than
/// this: a worker that just crashed keeps counting as alive for <paramref name="HealthThreshold"/>, but nobody
/// releases shards to it.
/// </param>
internal sealed record ShardLeaseSettings(
    IReadOnlyList<string> Shards,
    TimeSpan LeaseTtl,
    TimeSpan RenewalInterval,
    TimeSpan HealthThreshold,
    TimeSpan ActiveHeartbeatAge)
{
    /// <summary>While the worker is idle, release every lease and poll every shard (re-acquired at once when active).</summary>
    public bool ReleaseWhenIdle { get; init; }

    /// <summary>While idle with leases released, how often live workers are counted for the fleet size; zero = never
    /// (the idle poller counts the fleet itself).</summary>
    public TimeSpan IdleCensusInterval { get; init; }

    /// <summary>The renewal period actually used: at most a third of the TTL, so two renewals can fail before expiry.</summary>
    public TimeSpan EffectiveRenewalInterval => RenewalInterval < LeaseTtl / 3 ? RenewalInterval : LeaseTtl / 3;

    /// <summary>Checks the values; throws naming the bad one.</summary>
    public ShardLeaseSettings Validate()
    {
        if (Shards is null || Shards.Count == 0)
        {
            throw new ArgumentException("Shard leasing needs at least one shard.", nameof(Shards));
        }

        if (Shards.Distinct(StringComparer.Ordinal).Count() != Shards.Count)
        {
            throw new ArgumentException($"Shard list has duplicates: {string.Join(",", Shards)}.", nameof(Shards));
        }

        Positive(LeaseTtl, nameof(LeaseTtl));
        Positive(RenewalInterval, nameof(RenewalInterval));
        Positive(HealthThreshold, nameof(HealthThreshold));
        Positive(ActiveHeartbeatAge, nameof(ActiveHeartbeatAge));
        if (IdleCensusInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleCensusInterval), IdleCensusInterval, $"IdleCensusInterval must not be negative, was {IdleCensusInterval}.");
        }

        return this;
    }

    /// <summary>
    /// From configuration: <c>worker.shard-leasing</c> TTL and renewal, <c>monitor.worker-health-threshold</c>, the
    /// configured <c>worker.shards</c> (all of the space when empty), and an active-heartbeat age of two heartbeat
    /// intervals plus one renewal interval.
    /// </summary>
    public static ShardLeaseSettings From(BuquetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var space = ShardSpace.For(options.Queue.ShardPrefixLength);
        var shards = options.Worker.Shards.Count > 0 ? options.Worker.Shards : space.All;
        foreach (var s in shards)
        {
            if (!space.Contains(s))
            {
                throw new ArgumentException($"Shard '{s}' is not in the shard space of prefix length {space.PrefixLength}.", nameof(options));
            }
        }

        var leasing = options.Worker.ShardLeasing;
        var active = (2 * options.Worker.HeartbeatInterval) + leasing.RenewalInterval;
        return new ShardLeaseSettings(
            [.. shards],
            leasing.LeaseTtl,
            leasing.RenewalInterval,
            options.Monitor.WorkerHealthThreshold,
            active < options.Monitor.WorkerHealthThreshold ? active : options.Monitor.WorkerHealthThreshold)
        {
            ReleaseWhenIdle = leasing.ReleaseWhenIdle,
            IdleCensusInterval = leasing.IdleCensusInterval,
        }.Validate();
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, was {value}.");
        }
    }
}
