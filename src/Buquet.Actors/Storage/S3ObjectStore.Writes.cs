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
            var r = await _retry.RunAsync($"PUT '{key}' in '{_bucket}'", c => RawPutAsync(_s3, _bucket, key, body, condition, Probe.UnquotedIfMatch, null, c), null, cancellationToken).ConfigureAwait(false);
            return PutResult.Written(ETags.Quote(r.ETag), Capabilities.Versioning ? r.VersionId : null);
        }

        return await ConditionalPutAsync(key, body, condition, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One attempt per loop, no SDK retry; every attempt of one call carries the same write token (user metadata
    /// <c>x-amz-meta-buquet-write</c>). A refusal is never taken at face value: a clean 412/404 may answer a copy of a
    /// request that already landed (.NET's HTTP stack re-sends a request whose reused connection was reset), so it is
    /// settled by one HEAD: our token on the key means we won. After any 409, 5xx, throttle, timeout or transport
    /// failure the outcome is ambiguous (RGW answers losing racers with 500; a timed-out write may have landed) and
    /// is resolved by re-reading too, retrying while the precondition still holds.
    /// </summary>
    private async Task<PutResult> ConditionalPutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken ct)
    {
        var what = $"conditional PUT '{key}' in '{_bucket}'";
        var token = Guid.NewGuid().ToString("N");
        var ambiguous = false;
        for (var attempt = 0; ; attempt++)
        {
            Exception failure;
            S3FailureKind kind;
            try
            {
                var r = await RawPutAsync(_s3, _bucket, key, body, condition, Probe.UnquotedIfMatch, token, ct).ConfigureAwait(false);
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
                return await SettleRefusalAsync(key, token, ct).ConfigureAwait(false);
            }

            ambiguous = true;
            var resolved = await ResolveAsync(key, body, token, condition, ct).ConfigureAwait(false);
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

    /// <summary>One PutObject, no retry. <paramref name="writeToken"/>, when given, is stored as user metadata to recognise the write later.</summary>
    internal static Task<PutObjectResponse> RawPutAsync(IAmazonS3 s3, string bucket, string key, ReadOnlyMemory<byte> body, PutCondition condition, bool unquotedIfMatch, string? writeToken, CancellationToken ct)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = StreamOf(body),
            AutoCloseStream = true,
            ContentType = "application/octet-stream",
        };
        if (writeToken is not null)
        {
            request.Metadata.Add(WriteTokenMetadata, writeToken);
        }

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
    /// <remarks>No HEAD: S3 answers 204 whether or not a key existed, and that is all an index delete needs.</remarks>
    public async Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            ValidateKey(key);
        }

        if (keys.Count == 1)
        {
            await _retry.RunAsync($"DELETE '{keys[0]}' in '{_bucket}'", c => _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = keys[0] }, c), null, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var chunk in keys.Chunk(1000))
        {
            var request = new DeleteObjectsRequest { BucketName = _bucket, Quiet = true, Objects = [.. chunk.Select(k => new KeyVersion { Key = k })] };
            var response = await _retry.RunAsync($"DELETE {chunk.Length} keys (DeleteObjects) in '{_bucket}'", c => _s3.DeleteObjectsAsync(request, c), null, cancellationToken).ConfigureAwait(false);
            if (response.DeleteErrors is { Count: > 0 } errors)
            {
                var first = errors[0];
                throw new ObjectStoreUnavailableException($"DeleteObjects in '{_bucket}': {errors.Count} of {chunk.Length} keys not deleted (first: '{first.Key}': {first.Code} {first.Message}).");
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// S3 answers 204 for a missing key, so a HEAD decides <see cref="DeleteStatus.NotFound"/>. Where the server ignores
    /// If-Match on DELETE (<see cref="StoreCapabilities.ConditionalDelete"/> false, RGW 16.2) the ETag is compared by a
    /// HEAD first, which is not atomic: use a CAS to a tombstone when it matters. A refused conditional DELETE is settled
    /// by a HEAD: the key gone means the object we named (its ETag matched just before) was deleted.
    /// </remarks>
    public async Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var head = await HeadAsync(key, cancellationToken).ConfigureAwait(false);
        InternalHeadMade?.Invoke(head is not null);
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

        // Refused, possibly answering a re-sent copy (or a retry) of a DELETE that already landed: the HEAD above saw
        // our ETag a moment ago, so a vanished key means the object we named is gone. Settled by one more HEAD.
        return await SettleDeleteRefusalAsync(key, ambiguous, cancellationToken).ConfigureAwait(false);
    }
}
