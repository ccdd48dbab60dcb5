namespace Buquet.Actors.Storage;

/// <summary>Listing for <see cref="LocalDirectoryObjectStore"/>.</summary>
public sealed partial class LocalDirectoryObjectStore
{
    /// <inheritdoc />
    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
    {
        var max = ListPaging.PageSize(request);
        var after = request.ContinuationToken ?? request.StartAfter;
        var encodedPrefix = EncodePrefix(request.Prefix);
        var candidates = new List<(string Key, string Dir)>();
        foreach (var dir in Directory.EnumerateDirectories(_objects))
        {
            var name = Path.GetFileName(dir);
            if (!name.StartsWith('~') && !name.StartsWith(encodedPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var key = DecodeName(dir, name);
            if (key is not null && key.StartsWith(request.Prefix, StringComparison.Ordinal) && (after is null || KeyOrder.CompareKeys(key, after) > 0))
            {
                candidates.Add((key, dir));
            }
        }

        candidates.Sort((a, b) => KeyOrder.CompareKeys(a.Key, b.Key));
        var items = new List<ObjectInfo>(Math.Min(max, candidates.Count));
        string? next = null;
        foreach (var (key, dir) in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var h = ReadRecord(Path.Combine(dir, CurrentFile), withBody: false)?.Header;
            if (h is null)
            {
                continue;
            }

            if (items.Count == max)
            {
                next = items[^1].Key;
                break;
            }

            items.Add(new ObjectInfo(key, h.ETag, h.Length, h.LastModified));
        }

        return Task.FromResult(new ListPage(items, next));
    }
}
