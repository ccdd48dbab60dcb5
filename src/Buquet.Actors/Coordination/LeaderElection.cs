using Buquet.Actors.Protocol;

namespace Buquet.Actors.Coordination;

/// <summary>
/// Leadership over an <see cref="ObjectLease"/> for one candidate: call <see cref="RunRoundAsync"/> every
/// <see cref="RenewInterval"/> (a third of the TTL); act as leader only while <see cref="IsLeaderAt"/> and, before
/// effectful writes, <see cref="FenceAsync"/> say so. Not thread-safe: one owner (an actor) drives it.
/// </summary>
internal sealed class LeaderElection
{
    // Immutable after construction.
    private readonly ObjectLease _lease;
    private readonly IStoreClock _clock;

    public LeaderElection(ObjectLease lease, IStoreClock clock, string candidateId, TimeSpan? safetyMargin = null)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentException.ThrowIfNullOrEmpty(candidateId);
        _lease = lease;
        _clock = clock;
        CandidateId = candidateId;
        SafetyMargin = safetyMargin ?? lease.Ttl / 10;
        if (SafetyMargin < TimeSpan.Zero || SafetyMargin >= lease.Ttl / 3)
        {
            throw new ArgumentOutOfRangeException(
                nameof(safetyMargin), SafetyMargin, $"The safety margin must be at least 0 and less than a third of the TTL ({lease.Ttl}).");
        }
    }

    public string CandidateId { get; }

    /// <summary>Trust ends this long before the grant's expiry (store clocks of two processes differ by up to their sync error).</summary>
    public TimeSpan SafetyMargin { get; }

    /// <summary>How often to call <see cref="RunRoundAsync"/>: a third of the lease TTL.</summary>
    public TimeSpan RenewInterval => _lease.Ttl / 3;

    /// <summary>After a standby's round that found another holder: how long its term still ran by the clock's estimate.</summary>
    public TimeSpan? ObservedTermEndsIn { get; private set; }

    // Confined to the owner.
    /// <summary>The grant of the current term, when this candidate believes it leads.</summary>
    public LeaseGrant? Grant { get; private set; }

    /// <summary>Renews a held lease or tries to acquire one. Returns whether this candidate leads afterwards.</summary>
    /// <param name="ct">Cancels the round.</param>
    /// <param name="renewFor">A longer term for this renewal (an idle leader renewing rarely); null = the lease TTL.</param>
    public async Task<bool> RunRoundAsync(CancellationToken ct = default, TimeSpan? renewFor = null)
    {
        if (Grant is { } held)
        {
            var renewed = await _lease.RenewAsync(held, ct, renewFor);
            Grant = renewed.Grant;
            if (renewed.IsHeld)
            {
                return await IsLeaderNowAsync(ct);
            }
        }

        if (await HeldByOtherAsync(ct))
        {
            return false; // a standby's round: one GET, no clock request, no write
        }

        var acquired = await _lease.TryAcquireAsync(CandidateId, ct);
        Grant = acquired.Grant;
        if (!acquired.IsHeld && acquired.Current is { } other && other.HolderId != CandidateId)
        {
            // Lost the race, or the estimate took a late renewal for an expiry: the holder's term as the synced clock
            // sees it, so an idle standby looks again when it ends instead of after its longest idle interval.
            var left = other.ExpiresAt - await _clock.NowAsync(ct);
            ObservedTermEndsIn = left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }

        return acquired.IsHeld && await IsLeaderNowAsync(ct);
    }

    /// <summary>True while the grant is trusted at <paramref name="now"/> (store clock): before expiry minus the margin.</summary>
    public bool IsLeaderAt(DateTimeOffset now) => Grant is { } g && now < g.ExpiresAt - SafetyMargin;

    /// <summary>The fencing check before a leader's writes: trusted locally and still the stored term (one GET).
    /// False clears the grant: the caller is deposed and must stop.</summary>
    public async Task<bool> FenceAsync(CancellationToken ct = default)
    {
        if (Grant is not { } g || !IsLeaderAt(await _clock.NowAsync(ct)))
        {
            return false;
        }

        if (await _lease.VerifyAsync(g, ct))
        {
            return true;
        }

        Grant = null;
        return false;
    }

    /// <summary>Gives up leadership (release the term so a standby takes over at once).</summary>
    public async Task ResignAsync(CancellationToken ct = default)
    {
        if (Grant is { } g)
        {
            Grant = null;
            await _lease.ReleaseAsync(g, ct);
        }
    }

    /// <summary>Forgets the grant without touching the store (a crash, for tests; or after losing the store).</summary>
    public void Forget() => Grant = null;

    /// <summary>True when another candidate's term is stored and not yet expired by the clock's estimate (a lease that
    /// looks expired, is ours, is missing or unreadable goes to the full acquire, which decides on the synced clock).</summary>
    private async Task<bool> HeldByOtherAsync(CancellationToken ct)
    {
        (LeaseRecord Record, string ETag)? current;
        try
        {
            current = await _lease.ReadAsync(ct);
        }
        catch (MalformedObjectException)
        {
            return false;
        }

        ObservedTermEndsIn = null;
        if (current is not { } c || c.Record.HolderId == CandidateId)
        {
            return false;
        }

        var now = await _clock.EstimateNowAsync(ct);
        if (c.Record.IsExpiredAt(now))
        {
            return false;
        }

        ObservedTermEndsIn = c.Record.ExpiresAt - now;
        return true;
    }

    private async Task<bool> IsLeaderNowAsync(CancellationToken ct) => IsLeaderAt(await _clock.NowAsync(ct));
}
