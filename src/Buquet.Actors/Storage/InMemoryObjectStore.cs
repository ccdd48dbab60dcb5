namespace Buquet.Actors.Storage;

/// <summary>
/// An in-process object store with S3's conditional-write semantics, for unit tests and benchmarks.
/// All operations are atomic under one lock. Versions are kept when <paramref name="versioning"/> is on, apart from
/// the live keys that LIST walks, so deleted keys never make a LIST dearer.
/// </summary>
/// <param name="timeProvider">The store's clock (use a fake one in tests).</param>
/// <param name="versioning">Keep every version of every key.</param>
public sealed class InMemoryObjectStore(TimeProvider? timeProvider = null, bool versioning = true) : IObjectStore, IListWorkMeter
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Entry> _live = new(KeyOrder.Instance);
    private readonly Dictionary<string, List<Entry>> _history = new(StringComparer.Ordinal);
    private long _nextVersion;
    private long _listEntriesExamined;

    private sealed record Entry(byte[] Body, string ETag, DateTimeOffset LastModified, string VersionId, bool IsDeleteMarker);

    /// <inheritdoc />
    public StoreCapabilities Capabilities { get; } = new(versioning, ConditionalDelete: true);

    /// <inheritdoc />
    public long ListEntriesExamined => Interlocked.Read(ref _listEntriesExamined);

    /// <inheritdoc />
    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var e = Latest(key);
            return Task.FromResult(e is null ? null : ToStored(key, e));
        }
    }

    /// <inheritdoc />
    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var e = _history.TryGetValue(key, out var list) ? list.Find(v => v.VersionId == versionId && !v.IsDeleteMarker) : null;
            return Task.FromResult(e is null ? null : ToStored(key, e));
        }
    }

    /// <inheritdoc />
    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var e = Latest(key);
            return Task.FromResult(e is null ? null : new ObjectInfo(key, e.ETag, e.Body.Length, e.LastModified));
        }
    }

    /// <inheritdoc />
    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var current = Latest(key);
            var allowed = condition switch
            {
                PutCondition.CreateOnlyCondition => current is null,
                PutCondition.IfMatchCondition m => current is not null && ETags.Equal(current.ETag, m.ETag),
                _ => true,
            };
            if (!allowed)
            {
                return Task.FromResult(PutResult.PreconditionFailed);
            }

            var entry = new Entry(body.ToArray(), ETags.ForBody(body.Span), Now(), NextVersionId(), false);
            Append(key, entry);
            return Task.FromResult(PutResult.Written(entry.ETag, versioning ? entry.VersionId : null));
        }
    }

    /// <inheritdoc />
    public Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var current = Latest(key);
            if (current is null)
            {
                return Task.FromResult(ifMatchETag is null ? DeleteStatus.NotFound : DeleteStatus.PreconditionFailed);
            }

            if (ifMatchETag is not null && !ETags.Equal(current.ETag, ifMatchETag))
            {
                return Task.FromResult(DeleteStatus.PreconditionFailed);
            }

            Append(key, new Entry([], "", Now(), NextVersionId(), true));
            return Task.FromResult(DeleteStatus.Deleted);
        }
    }

    /// <inheritdoc />
    public Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (Latest(key) is not null)
                {
                    Append(key, new Entry([], "", Now(), NextVersionId(), true));
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
    {
        var max = ListPaging.PageSize(request);
        var after = request.ContinuationToken ?? request.StartAfter;
        lock (_gate)
        {
            var items = new List<ObjectInfo>(Math.Min(max, 64));
            string? next = null;
            var examined = 0L;
            foreach (var (key, e) in _live)
            {
                examined++;
                if (!key.StartsWith(request.Prefix, StringComparison.Ordinal) || (after is not null && KeyOrder.CompareKeys(key, after) <= 0))
                {
                    continue;
                }

                if (items.Count == max)
                {
                    next = items[^1].Key;
                    break;
                }

                items.Add(new ObjectInfo(key, e.ETag, e.Body.Length, e.LastModified));
            }

            _listEntriesExamined += examined;
            return Task.FromResult(new ListPage(items, next));
        }
    }

    /// <inheritdoc />
    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!versioning || !_history.TryGetValue(key, out var list))
            {
                return Task.FromResult(new VersionPage([], null));
            }

            var newestFirst = Enumerable.Range(0, list.Count).Reverse()
                .Select(i => new ObjectVersionInfo(key, list[i].VersionId, list[i].ETag, list[i].LastModified, i == list.Count - 1, list[i].IsDeleteMarker))
                .ToList();
            var start = continuationToken is null ? 0 : int.Parse(continuationToken, System.Globalization.CultureInfo.InvariantCulture);
            var page = newestFirst.Skip(start).Take(Math.Clamp(maxItems, 1, 1000)).ToList();
            var nextIndex = start + page.Count;
            return Task.FromResult(new VersionPage(page, nextIndex < newestFirst.Count ? nextIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
        }
    }

    /// <inheritdoc />
    public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) => Task.FromResult(Now());

    private DateTimeOffset Now() => _time.GetUtcNow();

    private string NextVersionId() => (++_nextVersion).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);

    private Entry? Latest(string key) => _live.GetValueOrDefault(key);

    private void Append(string key, Entry entry)
    {
        if (versioning)
        {
            if (!_history.TryGetValue(key, out var list))
            {
                list = [];
                _history[key] = list;
            }

            list.Add(entry);
        }

        if (entry.IsDeleteMarker)
        {
            _live.Remove(key);
        }
        else
        {
            _live[key] = entry;
        }
    }

    private StoredObject ToStored(string key, Entry e) => new(key, e.Body, e.ETag, e.LastModified, versioning ? e.VersionId : null);
}
