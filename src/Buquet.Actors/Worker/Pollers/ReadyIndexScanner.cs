using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Worker.Pollers;

/// <summary>What one scan of the ready index found.</summary>
/// <param name="Candidates">Due candidates, at most the requested number, fairly spread over shards.</param>
/// <param name="NextDueBucket">The earliest future bucket seen in a scanned shard (a complete scan only), or null.</param>
/// <param name="Complete">True when the scan saw every ready key (one untruncated LIST of <c>ready/</c>).</param>
/// <param name="CurrentBucketSeen">A scanned shard has a key in the current minute bucket (its task may become available any second).</param>
internal sealed record ScanResult(IReadOnlyList<Candidate> Candidates, long? NextDueBucket, bool Complete, bool CurrentBucketSeen = false);

/// <summary>
/// Finds due candidates in the ready index (ADR 0008). While the index is small, one LIST of <c>ready/</c> (max-keys
/// 1000) covers every shard: keys are <c>ready/{shard}/{bucket10}/{id}</c>, so the page holds each shard's keys in
/// bucket order; future buckets are dropped (and remembered as the next due time), candidates are taken round-robin
/// over the shards starting at a rotating shard, and within a shard after the key offered last time (wrapping), so
/// stale or unclaimable keys never hide the keys behind them. When that LIST comes back truncated the index is deep,
/// and later scans walk shard by shard with the per-shard <see cref="ReadyIndexCursor"/> until a walk comes back
/// short of what was asked (then one LIST tells whether the index is small again). Actor-confined.
/// </summary>
internal sealed class ReadyIndexScanner
{
    /// <summary>Keys of one whole-index LIST.</summary>
    public const int SmallLimit = 1000;

    private readonly Dictionary<string, ReadyIndexCursor> _cursors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _lastOffered = new(StringComparer.Ordinal);
    private int _rotation;

    /// <summary>True while the index is too deep for one LIST.</summary>
    public bool Deep { get; private set; }

    /// <summary>Scans for at most <paramref name="max"/> due candidates in <paramref name="shards"/>.</summary>
    public async Task<ScanResult> NextAsync(IObjectStore store, IReadOnlyList<string> shards, int max, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (shards.Count == 0 || max <= 0)
        {
            return new ScanResult([], null, false);
        }

        var start = _rotation++ % shards.Count;
        return Deep ? await DeepAsync(store, shards, start, max, now, cancellationToken) : await WholeAsync(store, shards, start, max, now, cancellationToken);
    }

    private async Task<ScanResult> WholeAsync(IObjectStore store, IReadOnlyList<string> shards, int start, int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var page = await store.ListAsync(new ListRequest(TaskKeys.ReadyRoot, MaxKeys: SmallLimit), cancellationToken);
        var nowBucket = TimeBuckets.Number(now);
        var wanted = new HashSet<string>(shards, StringComparer.Ordinal);
        var due = new Dictionary<string, List<(string Key, IndexKey Parsed)>>(StringComparer.Ordinal);
        long? nextDue = null;
        var currentSeen = false;
        foreach (var obj in page.Objects)
        {
            if (!TaskKeys.TryParseIndexKey(obj.Key, out var parsed) || !wanted.Contains(parsed.Shard))
            {
                continue;
            }

            if (parsed.Bucket > nowBucket)
            {
                nextDue = nextDue is { } n && n <= parsed.Bucket ? n : parsed.Bucket;
                continue;
            }

            currentSeen |= parsed.Bucket == nowBucket;
            if (!due.TryGetValue(parsed.Shard, out var list))
            {
                due[parsed.Shard] = list = [];
            }

            list.Add((obj.Key, parsed));
        }

        Deep = page.IsTruncated;
        var candidates = Pick(shards, start, due, max);
        return new ScanResult(candidates, page.IsTruncated ? null : nextDue, !page.IsTruncated, currentSeen);
    }

    /// <summary>Round-robin over shards from <paramref name="start"/>; within a shard, after the key offered last.</summary>
    private List<Candidate> Pick(IReadOnlyList<string> shards, int start, Dictionary<string, List<(string Key, IndexKey Parsed)>> due, int max)
    {
        var queues = new List<Queue<(string Key, IndexKey Parsed)>>();
        for (var i = 0; i < shards.Count; i++)
        {
            var shard = shards[(start + i) % shards.Count];
            if (!due.TryGetValue(shard, out var keys) || keys.Count == 0)
            {
                continue;
            }

            var from = 0;
            if (_lastOffered.TryGetValue(shard, out var last))
            {
                from = keys.FindIndex(k => string.CompareOrdinal(k.Key, last) > 0);
                from = from < 0 ? 0 : from;
            }

            var q = new Queue<(string, IndexKey)>(keys.Count);
            for (var j = 0; j < keys.Count; j++)
            {
                q.Enqueue(keys[(from + j) % keys.Count]);
            }

            queues.Add(q);
        }

        var picked = new List<Candidate>(Math.Min(max, 64));
        var seen = new HashSet<Guid>();
        while (picked.Count < max && queues.Count > 0)
        {
            for (var i = 0; i < queues.Count && picked.Count < max; i++)
            {
                var (key, parsed) = queues[i].Dequeue();
                _lastOffered[parsed.Shard] = key;
                if (seen.Add(parsed.TaskId))
                {
                    picked.Add(new Candidate(parsed.TaskId, TaskKeys.Task(parsed.Shard, parsed.TaskId)));
                }
            }

            queues.RemoveAll(q => q.Count == 0);
        }

        return picked;
    }

    private async Task<ScanResult> DeepAsync(IObjectStore store, IReadOnlyList<string> shards, int start, int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var found = new List<Candidate>(Math.Min(max, 64));
        var seen = new HashSet<Guid>();
        for (var i = 0; i < shards.Count && found.Count < max; i++)
        {
            var shard = shards[(start + i) % shards.Count];
            if (!_cursors.TryGetValue(shard, out var cursor))
            {
                _cursors[shard] = cursor = new ReadyIndexCursor(shard);
            }

            foreach (var candidate in await cursor.NextAsync(store, max - found.Count, now, cancellationToken))
            {
                if (seen.Add(candidate.TaskId))
                {
                    found.Add(candidate);
                }
            }
        }

        // A walk that could not fill the request: the backlog is draining; the next scan tries one whole-index LIST.
        Deep = found.Count >= max;
        return new ScanResult(found, null, false);
    }
}
