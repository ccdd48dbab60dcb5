namespace Buquet.Actors.Storage;

/// <summary>An object read from the store.</summary>
/// <param name="Key">The object key.</param>
/// <param name="Body">The object's bytes.</param>
/// <param name="ETag">The ETag in S3's quoted form, e.g. <c>"9e107d9d372bb6826bd81d3542a419d6"</c>.</param>
/// <param name="LastModified">The store's last-modified time.</param>
/// <param name="VersionId">The version id when the store keeps versions; otherwise <c>null</c>.</param>
public sealed record StoredObject(string Key, ReadOnlyMemory<byte> Body, string ETag, DateTimeOffset LastModified, string? VersionId = null);

/// <summary>Metadata of an object (HEAD, or an entry of a listing).</summary>
public sealed record ObjectInfo(string Key, string ETag, long Size, DateTimeOffset LastModified);

/// <summary>The precondition of a put.</summary>
public abstract record PutCondition
{
    private PutCondition() { }

    /// <summary>No precondition: last writer wins.</summary>
    public static PutCondition None { get; } = new NoneCondition();

    /// <summary>Create only: <c>If-None-Match: *</c>.</summary>
    public static PutCondition IfNoneMatch { get; } = new CreateOnlyCondition();

    /// <summary>Compare-and-swap: <c>If-Match: etag</c>.</summary>
    public static PutCondition IfMatch(string etag) => new IfMatchCondition(etag);

    /// <summary>Unconditional.</summary>
    public sealed record NoneCondition : PutCondition;

    /// <summary>Create only.</summary>
    public sealed record CreateOnlyCondition : PutCondition;

    /// <summary>Compare-and-swap on <paramref name="ETag"/>.</summary>
    public sealed record IfMatchCondition(string ETag) : PutCondition;
}

/// <summary>Outcome of a put.</summary>
public enum PutStatus
{
    /// <summary>The write landed.</summary>
    Written,

    /// <summary>The precondition did not hold (412, 409 ConditionalRequestConflict, or If-Match on a missing key). The write did not land.</summary>
    PreconditionFailed,
}

/// <summary>Result of a put; <see cref="ETag"/> is set when <see cref="Status"/> is <see cref="PutStatus.Written"/>.</summary>
public sealed record PutResult(PutStatus Status, string? ETag, string? VersionId = null)
{
    /// <summary>True when the write landed.</summary>
    public bool Succeeded => Status == PutStatus.Written;

    /// <summary>A failed precondition.</summary>
    public static PutResult PreconditionFailed { get; } = new(PutStatus.PreconditionFailed, null);

    /// <summary>A landed write.</summary>
    public static PutResult Written(string etag, string? versionId = null) => new(PutStatus.Written, etag, versionId);
}

/// <summary>Outcome of a delete.</summary>
public enum DeleteStatus
{
    /// <summary>The object was deleted.</summary>
    Deleted,

    /// <summary>There was no such object.</summary>
    NotFound,

    /// <summary>The If-Match ETag did not match; nothing was deleted.</summary>
    PreconditionFailed,
}

/// <summary>A ListObjectsV2-style request.</summary>
/// <param name="Prefix">Only keys starting with this prefix.</param>
/// <param name="StartAfter">Only keys strictly greater than this key (byte order).</param>
/// <param name="MaxKeys">Page size, 1..1000.</param>
/// <param name="ContinuationToken">Opaque token from a previous page.</param>
public sealed record ListRequest(string Prefix = "", string? StartAfter = null, int MaxKeys = 1000, string? ContinuationToken = null);

/// <summary>One page of a listing.</summary>
public sealed record ListPage(IReadOnlyList<ObjectInfo> Objects, string? NextContinuationToken)
{
    /// <summary>True when more keys follow.</summary>
    public bool IsTruncated => NextContinuationToken is not null;
}

/// <summary>One version of a key.</summary>
public sealed record ObjectVersionInfo(string Key, string VersionId, string ETag, DateTimeOffset LastModified, bool IsLatest, bool IsDeleteMarker);

/// <summary>One page of versions, newest first.</summary>
public sealed record VersionPage(IReadOnlyList<ObjectVersionInfo> Versions, string? NextContinuationToken);

/// <summary>What a store supports as configured.</summary>
/// <param name="Versioning">The store keeps object versions (history is available).</param>
/// <param name="ConditionalDelete">The store honours If-Match on DELETE.</param>
public sealed record StoreCapabilities(bool Versioning, bool ConditionalDelete);

/// <summary>The store could not answer (after retries): throttled, unreachable, timed out, or an unexpected error.</summary>
public class ObjectStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ObjectStoreUnavailableException() { }

    /// <summary>Creates the exception.</summary>
    public ObjectStoreUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ObjectStoreUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
