using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Coordination;

/// <summary>The body of a lease object, e.g.
/// <c>{"key":"leader/scheduler.json","holder_id":"worker-1","fencing_token":3,"acquired_at":"…","renewed_at":"…","expires_at":"…"}</c>.</summary>
/// <param name="Key">The lease object's key (a guard against copying bodies between leases).</param>
/// <param name="HolderId">Who holds (or last held) the lease.</param>
/// <param name="FencingToken">The term: 1 for the first holder, +1 on every acquisition after that; kept by renewals.</param>
/// <param name="AcquiredAt">Start of the current term (store clock).</param>
/// <param name="RenewedAt">Last renewal (store clock).</param>
/// <param name="ExpiresAt">The holder's claim ends here; expired iff <c>expires_at &lt;= now</c> (store clock).</param>
internal sealed record LeaseRecord(
    string Key, string HolderId, long FencingToken, DateTimeOffset AcquiredAt, DateTimeOffset RenewedAt, DateTimeOffset ExpiresAt)
{
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt <= now;

    public byte[] ToUtf8() => new JsonOut().BeginObject()
        .Name("key").String(Key)
        .Name("holder_id").String(HolderId)
        .Name("fencing_token").Int(FencingToken)
        .Name("acquired_at").Time(AcquiredAt)
        .Name("renewed_at").Time(RenewedAt)
        .Name("expires_at").Time(ExpiresAt)
        .EndObject().ToUtf8();

    /// <exception cref="MalformedObjectException">The body is not a lease.</exception>
    public static LeaseRecord Parse(ReadOnlyMemory<byte> utf8, string key)
    {
        var r = JsonIn.Parse(utf8, key);
        return new LeaseRecord(
            r.RequiredString("key"), r.RequiredString("holder_id"), r.RequiredInt("fencing_token"),
            r.RequiredTime("acquired_at"), r.RequiredTime("renewed_at"), r.RequiredTime("expires_at"));
    }
}

/// <summary>Proof of holding a lease for one term: valid while the stored object still has <see cref="ETag"/>
/// and the store clock is before <see cref="ExpiresAt"/>. Every renewal returns a new grant; keep the newest.</summary>
/// <param name="Key">The lease object's key.</param>
/// <param name="HolderId">This holder.</param>
/// <param name="FencingToken">The term; larger tokens are later terms.</param>
/// <param name="ExpiresAt">End of the claim (store clock).</param>
/// <param name="ETag">The ETag of the object this grant wrote.</param>
internal sealed record LeaseGrant(string Key, string HolderId, long FencingToken, DateTimeOffset ExpiresAt, string ETag);

/// <summary>How a lease call ended.</summary>
internal enum LeaseStatus
{
    /// <summary>The lease object did not exist (or was deleted); this holder created it, token 1 or the next term.</summary>
    Acquired,

    /// <summary>The previous term had expired (or was released, or belonged to an earlier incarnation of this
    /// holder); this holder started the next term.</summary>
    TakenOver,

    /// <summary>This holder's term was extended.</summary>
    Renewed,

    /// <summary>Another holder's unexpired term is in force (see <see cref="LeaseResult.Current"/>).</summary>
    HeldByOther,

    /// <summary>This holder's grant is no longer the stored term: someone took over. Stop acting as holder.</summary>
    Lost,
}

/// <summary>Result of a lease call.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Grant">The new grant when this holder holds the lease.</param>
/// <param name="Current">The stored record as last seen, when readable.</param>
internal sealed record LeaseResult(LeaseStatus Status, LeaseGrant? Grant, LeaseRecord? Current)
{
    public bool IsHeld => Grant is not null;
}
