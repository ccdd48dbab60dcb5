using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Buquet.Actors.Storage;

/// <summary>What <see cref="S3ObjectStore.ProbeAsync(S3StoreOptions, TimeProvider?, Func{double}?, CancellationToken)"/> found.</summary>
/// <param name="CasHolds">Create-only and If-Match behave as S3 documents in this bucket.</param>
/// <param name="Problem">Why CAS does not hold; null when it does.</param>
/// <param name="UnquotedIfMatch">The endpoint matches If-Match only with the ETag unquoted (Ceph RGW 16.2).</param>
/// <param name="ConditionalDelete">The endpoint honours If-Match on DELETE (RGW 16.2 ignores it).</param>
/// <param name="Versioning">Bucket versioning is enabled.</param>
public sealed record S3ProbeResult(bool CasHolds, string? Problem, bool UnquotedIfMatch, bool ConditionalDelete, bool Versioning);

/// <summary>The start-up probe of <see cref="S3ObjectStore"/>.</summary>
public sealed partial class S3ObjectStore
{
    /// <summary>
    /// Checks, on a fresh key under <c>.buquet/probe/</c>, that conditional writes hold in the bucket as configured:
    /// create-only twice gives one write then 412; If-Match with the current ETag writes (quoted form first, then
    /// unquoted); a stale If-Match gives 412. Also reports whether If-Match on DELETE is honoured and whether
    /// versioning is on. Throws <see cref="ObjectStoreConfigurationException"/> when the bucket cannot be reached.
    /// </summary>
    public static async Task<S3ProbeResult> ProbeAsync(S3StoreOptions options, TimeProvider? timeProvider = null, Func<double>? random = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var client = CreateClient(options);
        return await RunProbeAsync(client, options.Bucket, NewRetry(options, timeProvider, random), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the probe, and once more on a fresh key when it finds CAS broken: a store that ignores or breaks conditional
    /// writes does so every time, while a single 409/500 or a lost response on one probe write (a flaky network, a
    /// restarting gateway) must not make a worker refuse a good bucket.
    /// </summary>
    internal static async Task<S3ProbeResult> RunProbeAsync(IAmazonS3 s3, string bucket, S3Retry retry, CancellationToken ct)
    {
        var first = await RunProbeOnceAsync(s3, bucket, retry, ct).ConfigureAwait(false);
        return first.CasHolds ? first : await RunProbeOnceAsync(s3, bucket, retry, ct).ConfigureAwait(false);
    }

    /// <summary>Why the bucket could not be read: missing, not reachable, or anything else (credentials, policy).</summary>
    private static StoreConfigurationProblem Unusable(ObjectStoreUnavailableException e) => e.InnerException switch
    {
        AmazonServiceException { ErrorCode: "NoSuchBucket" } => StoreConfigurationProblem.BucketMissing,
        { } cause when S3Errors.Classify(cause) is S3FailureKind.Transient or S3FailureKind.Throttled => StoreConfigurationProblem.Unreachable,
        _ => e is ObjectStoreTimeoutException ? StoreConfigurationProblem.Unreachable : StoreConfigurationProblem.Unspecified,
    };

    private static async Task<S3ProbeResult> RunProbeOnceAsync(IAmazonS3 s3, string bucket, S3Retry retry, CancellationToken ct)
    {
        bool versioning;
        try
        {
            var v = await retry.RunAsync($"GET versioning of '{bucket}'", c => s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }, c), null, ct).ConfigureAwait(false);
            versioning = v.VersioningConfig?.Status == VersionStatus.Enabled;
        }
        catch (ObjectStoreUnavailableException e)
        {
            throw new ObjectStoreConfigurationException($"Bucket '{bucket}' is not usable: {e.Message}", Unusable(e), e);
        }

        var key = ".buquet/probe/" + Guid.NewGuid().ToString("N");

        async Task<string?> PutAsync(string body, PutCondition condition, bool unquoted)
        {
            var r = await retry.RunAsync<PutObjectResponse?>($"probe PUT '{key}' in '{bucket}'",
                c => RawPutAsync(s3, bucket, key, System.Text.Encoding.UTF8.GetBytes(body), condition, unquoted, null, c)!, (_, _) => null, ct).ConfigureAwait(false);
            return r is null ? null : ETags.Quote(r.ETag);
        }

        S3ProbeResult Broken(string problem, bool unquoted = false) => new(false, problem, unquoted, false, versioning);

        // A create that was retried (or silently re-sent by the HTTP stack on a reset connection) after its first copy
        // landed comes back as 412: the key then holds our own body, which is a success, not a refusal.
        async Task<string?> OursAlreadyThereAsync(string body)
        {
            try
            {
                using var got = await s3.GetObjectAsync(bucket, key, ct).ConfigureAwait(false);
                using var reader = new StreamReader(got.ResponseStream);
                return await reader.ReadToEndAsync(ct).ConfigureAwait(false) == body ? ETags.Quote(got.ETag) : null;
            }
            catch (AmazonS3Exception)
            {
                return null;
            }
        }

        try
        {
            var first = await PutAsync("probe-1", PutCondition.IfNoneMatch, false).ConfigureAwait(false)
                ?? await OursAlreadyThereAsync("probe-1").ConfigureAwait(false);
            if (first is null)
            {
                return Broken("a create-only PUT (If-None-Match: *) of a fresh key was refused.");
            }

            if (await PutAsync("probe-2", PutCondition.IfNoneMatch, false).ConfigureAwait(false) is not null)
            {
                return Broken("a create-only PUT (If-None-Match: *) of an existing key overwrote it (RGW 16.2 does this with bucket versioning on).");
            }

            var unquoted = false;
            // A refusal is settled by a read: a write that landed before its response was lost (then 412 on the retry)
            // is ours, and it landed with the form just tried.
            var second = await PutAsync("probe-3", PutCondition.IfMatch(first), false).ConfigureAwait(false)
                ?? await OursAlreadyThereAsync("probe-3").ConfigureAwait(false);
            if (second is null)
            {
                unquoted = true;
                second = await PutAsync("probe-3", PutCondition.IfMatch(first), true).ConfigureAwait(false)
                    ?? await OursAlreadyThereAsync("probe-3").ConfigureAwait(false);
                if (second is null)
                {
                    return Broken("If-Match with the current ETag got 412 in both quoted and unquoted form (RGW 16.2 does this with bucket versioning on).");
                }
            }

            if (await PutAsync("probe-4", PutCondition.IfMatch(first), unquoted).ConfigureAwait(false) is not null)
            {
                return Broken("If-Match with a stale ETag was accepted.", unquoted);
            }

            var conditionalDelete = await ProbeConditionalDeleteAsync(s3, bucket, key, first, unquoted, retry, ct).ConfigureAwait(false);
            return new S3ProbeResult(true, null, unquoted, conditionalDelete, versioning);
        }
        finally
        {
            try
            {
                await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception)
            {
                // Best effort: a leftover probe object is harmless.
            }
        }
    }

    /// <summary>DELETE with a stale If-Match: 412 and the object kept means conditional deletes are honoured.</summary>
    private static async Task<bool> ProbeConditionalDeleteAsync(IAmazonS3 s3, string bucket, string key, string staleETag, bool unquoted, S3Retry retry, CancellationToken ct)
    {
        var refused = await retry.RunAsync($"probe DELETE '{key}' in '{bucket}'", async c =>
        {
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, IfMatch = unquoted ? ETags.Unquote(staleETag) : staleETag }, c).ConfigureAwait(false);
            return false;
        }, (kind, _) => kind == S3FailureKind.PreconditionFailed, ct).ConfigureAwait(false);
        if (!refused)
        {
            return false;
        }

        var still = await retry.RunAsync<bool>($"probe HEAD '{key}' in '{bucket}'", async c =>
        {
            await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, c).ConfigureAwait(false);
            return true;
        }, (_, _) => false, ct).ConfigureAwait(false);
        return still;
    }
}
