using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Storage;

/// <summary>
/// Settling refused and ambiguous conditional writes of <see cref="S3ObjectStore"/> by re-reading the key
/// (docs/adr/0002-conditional-write-error-mapping.md). Every conditional PUT carries a fresh write token as user
/// metadata (<c>x-amz-meta-buquet-write</c>), the same on every attempt and on any copy the HTTP stack re-sends, so a
/// HEAD that finds our token proves the write landed, whatever the answer said and whatever the body holds.
/// </summary>
public sealed partial class S3ObjectStore
{
    /// <summary>User-metadata name of the write token (sent as <c>x-amz-meta-buquet-write</c>).</summary>
    internal const string WriteTokenMetadata = "buquet-write";

    private long _settleReads;
    private long _settledAsOurs;

    /// <summary>
    /// Reads (HEADs) this store made to settle refused or ambiguous conditional writes: one per lost race, more only
    /// after transport failures. They are requests S3 bills, on top of what the caller asked for.
    /// </summary>
    public long SettleReads => Interlocked.Read(ref _settleReads);

    /// <summary>Conditional writes answered as refused or failed that the re-read proved to have landed, reported as written.</summary>
    public long SettledAsOurs => Interlocked.Read(ref _settledAsOurs);

    /// <summary>
    /// Raised after each HEAD the store makes on its own — settling a refused write, or finding out whether a key exists
    /// before a <see cref="DeleteAsync"/> — (true when found), for request accounting (<see cref="RequestCountingObjectStore"/>).
    /// </summary>
    internal event Action<bool>? InternalHeadMade;

    /// <summary>Where "settled as ours" is logged (debug). Nothing by default.</summary>
    internal ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// A clean 412/404 for a conditional PUT: a lost race, unless it answered a copy of our own request whose first copy
    /// landed (a silent re-send on a reset keep-alive connection). One HEAD decides: our token there means written.
    /// </summary>
    private async Task<PutResult> SettleRefusalAsync(string key, string token, CancellationToken ct)
    {
        var current = await HeadTokenAsync(key, null, ct).ConfigureAwait(false);
        return current is not null && current.Token == token
            ? Ours(key, current.ETag, current.VersionId, "a refused conditional PUT")
            : PutResult.PreconditionFailed;
    }

    /// <summary>
    /// After an ambiguous attempt: Written when our write is (or, with versions, was) stored; PreconditionFailed when the
    /// precondition can no longer hold; null when nothing landed and the precondition still holds (safe to try again).
    /// </summary>
    private async Task<PutResult?> ResolveAsync(string key, ReadOnlyMemory<byte> body, string token, PutCondition condition, CancellationToken ct)
    {
        var current = await HeadTokenAsync(key, null, ct).ConfigureAwait(false);
        if (current is not null && current.Token == token)
        {
            return Ours(key, current.ETag, current.VersionId, "an ambiguous conditional PUT");
        }

        if (Capabilities.Versioning)
        {
            // Our write may have landed and been replaced already: a version with our body's MD5 and our token says so.
            var ours = ETags.ForBody(body.Span);
            var versions = await ListVersionsAsync(key, 1000, null, ct).ConfigureAwait(false);
            foreach (var v in versions.Versions.Where(v => !v.IsDeleteMarker && ETags.Equal(v.ETag, ours)))
            {
                var old = await HeadTokenAsync(key, v.VersionId, ct).ConfigureAwait(false);
                if (old is not null && old.Token == token)
                {
                    return Ours(key, v.ETag, v.VersionId, "an ambiguous conditional PUT (since replaced)");
                }
            }
        }

        var stillPossible = condition switch
        {
            PutCondition.CreateOnlyCondition => current is null,
            PutCondition.IfMatchCondition m => current is not null && ETags.Equal(current.ETag, m.ETag),
            _ => true,
        };
        return stillPossible ? null : PutResult.PreconditionFailed;
    }

    /// <summary>A refused If-Match DELETE: the key gone now means the object we named (its ETag matched just before) was deleted.</summary>
    private async Task<DeleteStatus> SettleDeleteRefusalAsync(string key, bool ambiguous, CancellationToken ct)
    {
        if (await HeadTokenAsync(key, null, ct).ConfigureAwait(false) is not null)
        {
            return DeleteStatus.PreconditionFailed;
        }

        Interlocked.Increment(ref _settledAsOurs);
        Logger.LogDebug("{What} of {Key} was refused but the key is gone: settled as deleted", ambiguous ? "An ambiguous conditional DELETE" : "A refused conditional DELETE", key);
        return DeleteStatus.Deleted;
    }

    private PutResult Ours(string key, string etag, string? versionId, string what)
    {
        Interlocked.Increment(ref _settledAsOurs);
        Logger.LogDebug("{What} of {Key} in {Bucket} landed (our write token is stored): settled as ours", what, key, _bucket);
        return PutResult.Written(etag, Capabilities.Versioning ? versionId : null);
    }

    /// <summary>HEAD of the key (or one version): ETag, version id and write token; null when missing.</summary>
    private async Task<TokenHead?> HeadTokenAsync(string key, string? versionId, CancellationToken ct)
    {
        Interlocked.Increment(ref _settleReads);
        var head = await _retry.RunAsync<TokenHead?>($"HEAD '{key}' in '{_bucket}' (settling a conditional write)", async c =>
        {
            var r = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key, VersionId = versionId }, c).ConfigureAwait(false);
            return new TokenHead(ETags.Quote(r.ETag), r.VersionId, r.Metadata[WriteTokenMetadata]);
        }, (_, _) => null, ct).ConfigureAwait(false);
        InternalHeadMade?.Invoke(head is not null);
        return head;
    }

    private sealed record TokenHead(string ETag, string? VersionId, string? Token);
}
