using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Coordination;

/// <summary>
/// A lease on one S3 object with a fencing token: at most one holder at a time across processes, using only
/// conditional writes and the store clock. Stateless and thread-safe; the caller keeps its <see cref="LeaseGrant"/>.
/// </summary>
/// <remarks>
/// Rules (see also README.md in this folder):
/// <list type="number">
/// <item><b>Acquire</b>: a missing object is created with <c>If-None-Match: *</c> (token 1). Exactly one of any number
/// of concurrent acquirers wins.</item>
/// <item><b>Take over</b>: an object whose <c>expires_at &lt;= now</c> (store clock), or whose holder is this same
/// holder id (a restarted incarnation), is replaced with <c>If-Match</c> on the ETag read, with
/// <c>fencing_token + 1</c>. A lost race (412) reports the winner as <see cref="LeaseStatus.HeldByOther"/>.</item>
/// <item><b>Renew</b>: <c>If-Match</c> on the grant's ETag, same token, <c>expires_at = now + ttl</c>. A 412 means a
/// later term exists: <see cref="LeaseStatus.Lost"/>. Renewing an expired grant succeeds only while nobody took
/// over (the ETag still matches), so it never overlaps another term.</item>
/// <item><b>Release</b>: <c>If-Match</c> write of the same term with <c>expires_at = now</c>, so the next holder
/// takes over at once <i>and</i> the token keeps increasing (deleting the object would restart it at 1).</item>
/// <item><b>Trust</b>: a holder acts only while its grant is valid: <c>now &lt; expires_at</c> on its store clock
/// (optionally minus a safety margin) and, before effectful writes, <see cref="VerifyAsync"/> (one GET: the stored
/// ETag is still the grant's). A deposed holder (renew or verify fails) stops at once.</item>
/// <item><b>Time</b>: every time is the store's (<see cref="IStoreClock"/>), never a local wall clock.</item>
/// <item><b>Keys</b>: lease objects live outside every buquet prefix (protocol §1.1, §1.4), so peers never list,
/// parse or sweep them.</item>
/// </list>
/// Tokens increase on every new term; an object deleted by hand restarts them at 1.
/// </remarks>
internal sealed class ObjectLease
{
    /// <summary>Prefixes buquet peers use or have proposed (protocol §1.1, §1.4) plus this library's own; a lease key
    /// must not start with any of them.</summary>
    internal static readonly string[] ReservedPrefixes =
    [
        "tasks/", "ready/", "leases/", "workers/", "shard-leases/", "idempotency/", "payloads/", "schedules/",
        "schemas/", "clock/", "workflow/", ".doctor-test/", "control/", "groups/", "tags/", "inbox/", "overflow/",
        "data/", "ui/", "schedule-options/",
    ];

    // Immutable after construction.
    private readonly IObjectStore _store;
    private readonly IStoreClock _clock;

    public ObjectLease(IObjectStore store, IStoreClock clock, string key, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (key.StartsWith('/') || key.EndsWith('/') || Array.Exists(ReservedPrefixes, p => key.StartsWith(p, StringComparison.Ordinal)))
        {
            throw new ArgumentException(
                $"Lease key \"{key}\" must be an object key outside every buquet prefix ({string.Join(", ", ReservedPrefixes)}).", nameof(key));
        }

        if (ttl < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, $"Lease TTL must be at least 1 second, was {ttl}.");
        }

        _store = store;
        _clock = clock;
        Key = key;
        Ttl = ttl;
    }

    public string Key { get; }

    public TimeSpan Ttl { get; }

    /// <summary>Reads the stored lease; <c>null</c> when there is none. Unreadable bodies throw <see cref="MalformedObjectException"/>.</summary>
    public async Task<(LeaseRecord Record, string ETag)?> ReadAsync(CancellationToken ct = default)
    {
        var obj = await _store.GetAsync(Key, ct);
        return obj is null ? null : (LeaseRecord.Parse(obj.Body, Key), obj.ETag);
    }

    /// <summary>Acquires the lease for <paramref name="holderId"/>: creates it, or takes it over when expired.</summary>
    public async Task<LeaseResult> TryAcquireAsync(string holderId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(holderId);
        for (var round = 0; round < 3; round++)
        {
            var now = await _clock.NowAsync(ct);
            var obj = await _store.GetAsync(Key, ct);
            if (obj is null)
            {
                var created = new LeaseRecord(Key, holderId, 1, now, now, now + Ttl);
                var put = await _store.PutAsync(Key, created.ToUtf8(), PutCondition.IfNoneMatch, ct);
                if (put.Succeeded)
                {
                    return new LeaseResult(LeaseStatus.Acquired, Grant(created, put), created);
                }

                continue; // someone created it first: read who
            }

            LeaseRecord? current;
            try
            {
                current = LeaseRecord.Parse(obj.Body, Key);
            }
            catch (MalformedObjectException)
            {
                current = null; // unreadable: take it over, with a token larger than any counter could have reached
            }

            if (current is not null && !current.IsExpiredAt(now) && current.HolderId != holderId)
            {
                return new LeaseResult(LeaseStatus.HeldByOther, null, current);
            }

            var token = current is null ? Math.Max(1, now.ToUnixTimeMilliseconds()) : current.FencingToken + 1;
            var next = new LeaseRecord(Key, holderId, token, now, now, now + Ttl);
            var cas = await _store.PutAsync(Key, next.ToUtf8(), PutCondition.IfMatch(obj.ETag), ct);
            if (cas.Succeeded)
            {
                return new LeaseResult(LeaseStatus.TakenOver, Grant(next, cas), next);
            }
        }

        var latest = await ReadQuietlyAsync(ct);
        return new LeaseResult(LeaseStatus.HeldByOther, null, latest);
    }

    /// <summary>Extends <paramref name="grant"/>'s term to <c>now + ttl</c> (<paramref name="ttl"/> when given, at least
    /// <see cref="Ttl"/>; never shortening a term); <see cref="LeaseStatus.Lost"/> when a later term exists.</summary>
    public async Task<LeaseResult> RenewAsync(LeaseGrant grant, CancellationToken ct = default, TimeSpan? ttl = null)
    {
        Check(grant);
        var length = ttl is { } longer && longer > Ttl ? longer : Ttl;
        var obj = await _store.GetAsync(Key, ct);
        if (obj is null || obj.ETag != grant.ETag)
        {
            return new LeaseResult(LeaseStatus.Lost, null, obj is null ? null : TryParse(obj));
        }

        var current = LeaseRecord.Parse(obj.Body, Key);
        var now = await _clock.NowAsync(ct);
        var renewed = current with { RenewedAt = now, ExpiresAt = Max(now + length, current.ExpiresAt) };
        var put = await _store.PutAsync(Key, renewed.ToUtf8(), PutCondition.IfMatch(grant.ETag), ct);
        return put.Succeeded
            ? new LeaseResult(LeaseStatus.Renewed, Grant(renewed, put), renewed)
            : new LeaseResult(LeaseStatus.Lost, null, await ReadQuietlyAsync(ct));
    }

    /// <summary>True while <paramref name="grant"/> is the stored term and unexpired (one GET). Call before effectful writes.</summary>
    public async Task<bool> VerifyAsync(LeaseGrant grant, CancellationToken ct = default)
    {
        Check(grant);
        var obj = await _store.GetAsync(Key, ct);
        if (obj is null || obj.ETag != grant.ETag)
        {
            return false;
        }

        return await _clock.NowAsync(ct) < grant.ExpiresAt;
    }

    /// <summary>Ends <paramref name="grant"/>'s term now (If-Match write with <c>expires_at = now</c>); false when it was already lost.</summary>
    public async Task<bool> ReleaseAsync(LeaseGrant grant, CancellationToken ct = default)
    {
        Check(grant);
        var obj = await _store.GetAsync(Key, ct);
        if (obj is null || obj.ETag != grant.ETag)
        {
            return false;
        }

        var now = await _clock.NowAsync(ct);
        var released = LeaseRecord.Parse(obj.Body, Key) with { RenewedAt = now, ExpiresAt = now };
        return (await _store.PutAsync(Key, released.ToUtf8(), PutCondition.IfMatch(grant.ETag), ct)).Succeeded;
    }

    private static LeaseGrant Grant(LeaseRecord r, PutResult put) =>
        new(r.Key, r.HolderId, r.FencingToken, r.ExpiresAt, put.ETag ?? throw new InvalidOperationException("A landed write returned no ETag."));

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void Check(LeaseGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (grant.Key != Key)
        {
            throw new ArgumentException($"The grant is for lease \"{grant.Key}\", not \"{Key}\".", nameof(grant));
        }
    }

    private LeaseRecord? TryParse(StoredObject obj)
    {
        try
        {
            return LeaseRecord.Parse(obj.Body, Key);
        }
        catch (MalformedObjectException)
        {
            return null;
        }
    }

    private async Task<LeaseRecord?> ReadQuietlyAsync(CancellationToken ct)
    {
        var obj = await _store.GetAsync(Key, ct);
        return obj is null ? null : TryParse(obj);
    }
}
