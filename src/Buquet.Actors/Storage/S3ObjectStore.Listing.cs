using Amazon.S3.Model;

namespace Buquet.Actors.Storage;

/// <summary>Listing for <see cref="S3ObjectStore"/>.</summary>
public sealed partial class S3ObjectStore : IListWorkMeter
{
    private long _listEntriesExamined;

    /// <summary>Keys received in LIST responses: the work this process sees (the server's own cost is not observable).</summary>
    public long ListEntriesExamined => Interlocked.Read(ref _listEntriesExamined);

    /// <inheritdoc />
    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
    {
        var max = ListPaging.PageSize(request);
        var s3Request = new ListObjectsV2Request
        {
            BucketName = _bucket,
            Prefix = request.Prefix.Length == 0 ? null : request.Prefix,
            StartAfter = request.StartAfter,
            MaxKeys = max,
            ContinuationToken = request.ContinuationToken,
        };
        return _retry.RunAsync($"LIST '{request.Prefix}' in '{_bucket}'", async c =>
        {
            var r = await _s3.ListObjectsV2Async(s3Request, c).ConfigureAwait(false);
            var items = (r.S3Objects ?? []).Select(o => new ObjectInfo(o.Key, ETags.Quote(o.ETag), o.Size ?? 0, ToOffset(o.LastModified))).ToList();
            Interlocked.Add(ref _listEntriesExamined, items.Count);
            return new ListPage(items, r.IsTruncated == true ? r.NextContinuationToken : null);
        }, null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        if (maxItems < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxItems), maxItems, "maxItems must be at least 1.");
        }

        if (!Capabilities.Versioning)
        {
            return Task.FromResult(new VersionPage([], null));
        }

        var s3Request = new ListVersionsRequest
        {
            BucketName = _bucket,
            Prefix = key,
            MaxKeys = Math.Min(maxItems, 1000),
            KeyMarker = continuationToken is null ? null : key,
            VersionIdMarker = continuationToken,
        };
        return _retry.RunAsync($"LIST VERSIONS '{key}' in '{_bucket}'", async c =>
        {
            var r = await _s3.ListVersionsAsync(s3Request, c).ConfigureAwait(false);
            // Prefix = key also matches longer keys; they sort after every version of the key itself.
            var items = (r.Versions ?? []).Where(v => v.Key == key)
                .Select(v => new ObjectVersionInfo(key, v.VersionId, v.IsDeleteMarker == true ? "" : ETags.Quote(v.ETag ?? ""), ToOffset(v.LastModified), v.IsLatest == true, v.IsDeleteMarker == true))
                .ToList();
            // Some servers (moto) list delete markers after all versions instead of in time order: restore newest first
            // within the page (a stable sort keeps the server's order for equal times).
            items = items.OrderByDescending(v => v.IsLatest).ThenByDescending(v => v.LastModified).ToList();
            var more = r.IsTruncated == true && r.NextKeyMarker == key && r.NextVersionIdMarker is not null;
            return new VersionPage(items, more ? r.NextVersionIdMarker : null);
        }, null, cancellationToken);
    }
}
