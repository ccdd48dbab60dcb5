namespace Buquet.Actors.Storage;

/// <summary>
/// The only seam between Buquet.Actors and its storage. Everything the protocol needs from an S3-compatible
/// bucket, with the expected outcomes (not found, precondition failed) returned as values. Exceptions mean the
/// store could not give an answer: <see cref="ObjectStoreUnavailableException"/> after retries were exhausted.
/// </summary>
/// <remarks>
/// Invariants every implementation upholds (proven by the conformance suite):
/// <list type="bullet">
/// <item>A create-only put (<see cref="PutCondition.IfNoneMatch"/>) succeeds for exactly one of any number of
/// concurrent writers of a key that does not exist.</item>
/// <item>A compare-and-swap put (<see cref="PutCondition.IfMatch"/>) succeeds for exactly one of any number of
/// concurrent writers holding the same ETag; on a missing key it is <see cref="PutStatus.PreconditionFailed"/>.</item>
/// <item>A conditional write never reports a lost race for a write that landed, nor a win for one that did not:
/// ambiguous transport failures, and refusals that may answer a silently re-sent copy of a landed write, are
/// resolved by re-reading.</item>
/// <item>ETags are returned in S3's quoted form (<c>"md5hex"</c>) and are accepted back in that form.</item>
/// <item>Listing is in ascending ordinal (UTF-8 byte) order of keys.</item>
/// </list>
/// </remarks>
public interface IObjectStore
{
    /// <summary>Reads an object; <c>null</c> when it does not exist.</summary>
    Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads one version of an object; <c>null</c> when that version does not exist.</summary>
    Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default);

    /// <summary>Reads an object's metadata; <c>null</c> when it does not exist.</summary>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes an object, unconditionally or under a <see cref="PutCondition"/>.</summary>
    Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object, optionally only if its ETag matches. Deleting a missing key reports <see cref="DeleteStatus.NotFound"/>.</summary>
    Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes keys without finding out whether each existed — for index keys, where that does not matter. One request
    /// per 1,000 keys (S3 DeleteObjects, quiet mode), or one plain DELETE with no existence check for a single key
    /// (<see cref="DeleteAsync"/> HEADs first on S3 to tell <see cref="DeleteStatus.NotFound"/> apart). Missing keys are
    /// not errors. Throws <see cref="ObjectStoreUnavailableException"/> when a request, or any key in it, failed.
    /// </summary>
    /// <remarks>The default implementation deletes one key at a time; the product's stores override it.</remarks>
    async Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            await DeleteAsync(key, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lists keys in ascending byte order (ListObjectsV2 semantics).</summary>
    Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default);

    /// <summary>Lists the versions of exactly one key, newest first, paginated. Empty when the store keeps no versions.</summary>
    Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default);

    /// <summary>The store's own clock (S3 <c>Last-Modified</c> of a probe write, or the store's equivalent).</summary>
    Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default);

    /// <summary>What this store can do, as configured.</summary>
    StoreCapabilities Capabilities { get; }
}
