using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Worker.Pollers;

/// <summary>
/// Walks one shard's ready index bucket by bucket (protocol §3.5): starts at the oldest bucket (LIST max-keys=1),
/// pages within a bucket with continuation tokens, jumps to the next non-empty bucket when one is done, never lists a
/// future bucket, and wraps back to the oldest bucket after the current one. Stale keys cost one page, never block.
/// </summary>
internal sealed class ReadyIndexCursor(string shard)
{
    private long? _bucket;
    private string? _token;

    public string Shard { get; } = shard;

    public async Task<IReadOnlyList<Candidate>> NextAsync(IObjectStore store, int max, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var nowBucket = TimeBuckets.Number(now);
        _bucket ??= await OldestAsync(store, null, cancellationToken) ?? nowBucket;
        if (_bucket > nowBucket)
        {
            _bucket = nowBucket;
            _token = null;
        }

        var page = await store.ListAsync(new ListRequest(TaskKeys.ReadyBucketPrefix(Shard, _bucket.Value), MaxKeys: max, ContinuationToken: _token), cancellationToken);
        var candidates = new List<Candidate>(page.Objects.Count);
        foreach (var obj in page.Objects)
        {
            if (TaskKeys.TryParseIndexKey(obj.Key, out var parsed) && parsed.Bucket <= nowBucket)
            {
                candidates.Add(new Candidate(parsed.TaskId, TaskKeys.Task(parsed.Shard, parsed.TaskId)));
            }
        }

        _token = page.NextContinuationToken;
        if (_token is null)
        {
            var next = _bucket < nowBucket ? await OldestAsync(store, _bucket, cancellationToken) : null;
            _bucket = next is { } b && b <= nowBucket ? b : await OldestAsync(store, null, cancellationToken) ?? nowBucket;
        }

        return candidates;
    }

    /// <summary>
    /// The oldest bucket holding a ready key (after <paramref name="after"/> when given), or null. Only the bucket segment
    /// of the first key is read: a foreign key with a malformed id (<c>ready/0/{bucket}/not-a-guid</c>) must not hide
    /// every older-than-now bucket behind it (found by the chaos harness: docs/reliability.md, finding 9).
    /// </summary>
    private async Task<long?> OldestAsync(IObjectStore store, long? after, CancellationToken cancellationToken)
    {
        var startAfter = after is { } a ? TaskKeys.ReadyBucketPrefix(Shard, a) + "~" : null;
        var page = await store.ListAsync(new ListRequest(TaskKeys.ReadyPrefix(Shard), StartAfter: startAfter, MaxKeys: 1), cancellationToken);
        if (page.Objects.Count == 0)
        {
            return null;
        }

        // A malformed bucket segment ("garbage") sorts after every numeric bucket: nothing valid is left after it.
        var parts = page.Objects[0].Key.Split('/');
        return parts.Length >= 3 && TimeBuckets.TryParse(parts[2], out var bucket) ? bucket : null;
    }
}
