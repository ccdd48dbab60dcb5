using Amazon.S3;
using Amazon.S3.Model;

namespace Buquet.Actors.Storage;

/// <summary>Writes for <see cref="S3ObjectStore"/>: plain, conditional with ambiguity resolution, and deletes.</summary>
public sealed partial class S3ObjectStore
{
    /// <inheritdoc />
    public async Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(condition);
        if (condition is PutCondition.NoneCondition)
        {
            var r = await _retry.RunAsync($"PUT '{key}' in '{_bucket}'", c => RawPutAsync(_s3, _bucket, key, body, condition, Probe.UnquotedIfMatch, c), null, cancellationToken).ConfigureAwait(false);
            return PutResult.Written(ETags.Quote(r.ETag), Capabilities.Versioning ? r.VersionId : null);
        }

        return await ConditionalPutAsync(key, body, condition, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One attempt per loop, no SDK retry. A clean 412/409/404 answers the question. After any 5xx, throttle, timeout
    /// or transport failure the outcome is ambiguous (RGW answers losing racers with 500; a timed-out write may have
    /// landed), and every later answer, a 412 included, is checked by re-reading the key: our body there means we won.
    /// </summary>
    private async Task<PutResult> ConditionalPutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken ct)
    {
        var what = $"conditional PUT '{key}' in '{_bucket}'";
        var ambiguous = false;
        for (var attempt = 0; ; attempt++)
        {
            Exception failure;
            S3FailureKind kind;
            try
            {
                var r = await RawPutAsync(_s3, _bucket, key, body, condition, Probe.UnquotedIfMatch, ct).ConfigureAwait(false);
                return PutResult.Written(ETags.Quote(r.ETag), Capabilities.Versioning ? r.VersionId : null);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                failure = e;
                kind = S3Errors.Classify(e);
            }

            if (kind is S3FailureKind.Fatal)
            {
                throw S3Errors.Unavailable(what, kind, failure);
            }

            // A 409 ConditionalRequestConflict says another conditional write to the key was in flight, not that the
            // precondition failed: for a create-only PUT the other write may never land, so reporting "exists" would
            // lose the caller's object (found by the chaos harness). Like a 5xx, it is settled by re-reading.
            if (kind is S3FailureKind.PreconditionFailed or S3FailureKind.NotFound && !ambiguous && !S3Errors.IsInFlightConflict(failure))
            {
                return PutResult.PreconditionFailed;
            }

            ambiguous = true;
            var resolved = await ResolveAsync(key, body, condition, ct).ConfigureAwait(false);
            if (resolved is not null)
            {
                return resolved;
            }

            // Our write is not there and the precondition still holds: trying again is safe (a late copy of an earlier
            // attempt and the retry carry the same body; the condition lets at most one land, and either is ours).
            if (attempt + 1 >= _retry.MaxAttempts)
            {
                throw S3Errors.Unavailable($"{what} (not applied after {attempt + 1} attempts)", kind, failure);
            }

            await _retry.DelayAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Written when our body is (or, with versions, was) stored; PreconditionFailed when another write won; null when nothing decided yet.</summary>
    private async Task<PutResult?> ResolveAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken ct)
    {
        var current = await GetAsync(key, ct).ConfigureAwait(false);
        if (current is not null && current.Body.Span.SequenceEqual(body.Span))
        {
            return PutResult.Written(current.ETag, current.VersionId);
        }

        if (Capabilities.Versioning)
        {
            // Our write may have landed and been replaced already: our body's MD5 among recent versions says so.
            var ours = ETags.ForBody(body.Span);
            var versions = await ListVersionsAsync(key, 1000, null, ct).ConfigureAwait(false);
            var mine = versions.Versions.FirstOrDefault(v => !v.IsDeleteMarker && ETags.Equal(v.ETag, ours));
            if (mine is not null)
            {
                return PutResult.Written(mine.ETag, mine.VersionId);
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

    internal static Task<PutObjectResponse> RawPutAsync(IAmazonS3 s3, string bucket, string key, ReadOnlyMemory<byte> body, PutCondition condition, bool unquotedIfMatch, CancellationToken ct)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = StreamOf(body),
            AutoCloseStream = true,
            ContentType = "application/octet-stream",
        };
        switch (condition)
        {
            case PutCondition.CreateOnlyCondition:
                request.IfNoneMatch = "*";
                break;
            case PutCondition.IfMatchCondition m:
                request.IfMatch = unquotedIfMatch ? ETags.Unquote(m.ETag) : ETags.Quote(m.ETag);
                break;
        }

        return s3.PutObjectAsync(request, ct);
    }

    /// <inheritdoc />
    /// <remarks>
    /// S3 answers 204 for a missing key, so a HEAD decides <see cref="DeleteStatus.NotFound"/>. Where the server ignores
    /// If-Match on DELETE (<see cref="StoreCapabilities.ConditionalDelete"/> false, RGW 16.2) the ETag is compared by a
    /// HEAD first, which is not atomic: use a CAS to a tombstone when it matters.
    /// </remarks>
    public async Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var head = await HeadAsync(key, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return ifMatchETag is null ? DeleteStatus.NotFound : DeleteStatus.PreconditionFailed;
        }

        if (ifMatchETag is not null && !ETags.Equal(head.ETag, ifMatchETag))
        {
            return DeleteStatus.PreconditionFailed;
        }

        var what = $"DELETE '{key}' in '{_bucket}'";
        if (ifMatchETag is null || !Capabilities.ConditionalDelete)
        {
            await _retry.RunAsync(what, c => _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, c), null, cancellationToken).ConfigureAwait(false);
            return DeleteStatus.Deleted;
        }

        var ambiguous = false;
        var status = await _retry.RunAsync<DeleteStatus?>(what, async c =>
        {
            try
            {
                var request = new DeleteObjectRequest { BucketName = _bucket, Key = key, IfMatch = Probe.UnquotedIfMatch ? ETags.Unquote(ifMatchETag) : ETags.Quote(ifMatchETag) };
                await _s3.DeleteObjectAsync(request, c).ConfigureAwait(false);
                return DeleteStatus.Deleted;
            }
            catch (Exception e) when (S3Errors.Classify(e) is S3FailureKind.Transient or S3FailureKind.Throttled)
            {
                ambiguous = true;
                throw;
            }
        }, (_, _) => null, cancellationToken).ConfigureAwait(false);
        if (status is not null)
        {
            return status.Value;
        }

        // Refused. After an ambiguous attempt, a vanished key means our earlier attempt deleted it.
        return ambiguous && await HeadAsync(key, cancellationToken).ConfigureAwait(false) is null ? DeleteStatus.Deleted : DeleteStatus.PreconditionFailed;
    }
}
