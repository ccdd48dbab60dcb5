using System.Globalization;

namespace Buquet.Actors.Storage;

/// <summary>
/// The embedded default store: objects as files under a root directory, with S3's conditional-write semantics, safe
/// across threads and processes on one machine. Each key has a directory holding the current record, a lock file and
/// (with versioning) every version. Writers take the key's exclusive lock file, check the precondition, write a temp
/// file and rename it over the current record, so readers (who take no lock) see the old or the new object, never a
/// torn one, even if the writer is killed mid-write. See docs/adr/0004-local-directory-store.md.
/// </summary>
public sealed partial class LocalDirectoryObjectStore : IObjectStore
{
    private readonly string _objects;
    private readonly TimeProvider _time;
    private readonly bool _versioning;
    private readonly bool _flushToDisk;
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Creates the store, creating <paramref name="rootDirectory"/> if needed.</summary>
    /// <param name="rootDirectory">Where objects live; share it between processes to share the store.</param>
    /// <param name="timeProvider">The store's clock (Last-Modified, server time) and lock-retry timer.</param>
    /// <param name="versioning">Keep every version of every key (history). The default is on.</param>
    /// <param name="flushToDisk">fsync each write before publishing it (survives power loss, not just a killed process). The default is on.</param>
    public LocalDirectoryObjectStore(string rootDirectory, TimeProvider? timeProvider = null, bool versioning = true, bool flushToDisk = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        _objects = Path.Combine(RootDirectory, "objects");
        Directory.CreateDirectory(_objects);
        _time = timeProvider ?? TimeProvider.System;
        _versioning = versioning;
        _flushToDisk = flushToDisk;
        Capabilities = new StoreCapabilities(versioning, ConditionalDelete: true);
    }

    /// <summary>The absolute root directory.</summary>
    public string RootDirectory { get; }

    /// <summary>How long a writer waits for another process holding a key's lock. The default is 30 seconds.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public StoreCapabilities Capabilities { get; }

    /// <inheritdoc />
    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var r = ReadRecord(Path.Combine(KeyDir(key), CurrentFile), withBody: true);
        return Task.FromResult(r is null ? null : ToStored(key, r.Value.Header, r.Value.Body));
    }

    /// <inheritdoc />
    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentException.ThrowIfNullOrEmpty(versionId);
        if (!_versioning || !versionId.All(char.IsAsciiDigit))
        {
            return Task.FromResult<StoredObject?>(null);
        }

        var r = ReadRecord(Path.Combine(KeyDir(key), VersionsDir, versionId), withBody: true);
        return Task.FromResult(r is null || r.Value.Header.IsDeleteMarker ? null : ToStored(key, r.Value.Header, r.Value.Body));
    }

    /// <inheritdoc />
    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var r = ReadRecord(Path.Combine(KeyDir(key), CurrentFile), withBody: false);
        return Task.FromResult(r is null ? null : new ObjectInfo(key, r.Value.Header.ETag, r.Value.Header.Length, r.Value.Header.LastModified));
    }

    /// <inheritdoc />
    public async Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(condition);
        var dir = KeyDir(key);
        using var held = await LockAsync(dir, cancellationToken).ConfigureAwait(false);
        PrepareKeyDir(dir, key);
        var currentPath = Path.Combine(dir, CurrentFile);
        var current = ReadRecord(currentPath, withBody: false)?.Header;
        var allowed = condition switch
        {
            PutCondition.CreateOnlyCondition => current is null,
            PutCondition.IfMatchCondition m => current is not null && ETags.Equal(current.ETag, m.ETag),
            _ => true,
        };
        if (!allowed)
        {
            return PutResult.PreconditionFailed;
        }

        var header = new Header(ETags.ForBody(body.Span), NextSequence(dir, current), _time.GetUtcNow(), false, body.Length);
        var record = Serialize(header, body.Span);
        if (_versioning)
        {
            WriteAtomic(dir, Path.Combine(dir, VersionsDir, header.VersionId), record);
        }

        WriteAtomic(dir, currentPath, record);
        return PutResult.Written(header.ETag, _versioning ? header.VersionId : null);
    }

    /// <inheritdoc />
    public async Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var dir = KeyDir(key);
        if (!Directory.Exists(dir))
        {
            return ifMatchETag is null ? DeleteStatus.NotFound : DeleteStatus.PreconditionFailed;
        }

        using var held = await LockAsync(dir, cancellationToken).ConfigureAwait(false);
        PrepareKeyDir(dir, key);
        var currentPath = Path.Combine(dir, CurrentFile);
        var current = ReadRecord(currentPath, withBody: false)?.Header;
        if (current is null)
        {
            return ifMatchETag is null ? DeleteStatus.NotFound : DeleteStatus.PreconditionFailed;
        }

        if (ifMatchETag is not null && !ETags.Equal(current.ETag, ifMatchETag))
        {
            return DeleteStatus.PreconditionFailed;
        }

        if (_versioning)
        {
            var marker = new Header("", NextSequence(dir, current), _time.GetUtcNow(), true, 0);
            WriteAtomic(dir, Path.Combine(dir, VersionsDir, marker.VersionId), Serialize(marker, []));
        }

        File.Delete(currentPath);
        return DeleteStatus.Deleted;
    }

    /// <inheritdoc />
    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var versionsDir = Path.Combine(KeyDir(key), VersionsDir);
        if (!_versioning || !Directory.Exists(versionsDir))
        {
            return Task.FromResult(new VersionPage([], null));
        }

        var ids = Directory.EnumerateFiles(versionsDir).Select(Path.GetFileName).OfType<string>()
            .Where(n => n.Length > 0 && n.All(char.IsAsciiDigit))
            .OrderByDescending(n => n, StringComparer.Ordinal)
            .ToList();
        var latest = ids.Count > 0 ? ids[0] : null;
        var page = new List<ObjectVersionInfo>();
        var max = Math.Clamp(maxItems, 1, 1000);
        string? next = null;
        foreach (var id in ids.Where(id => continuationToken is null || string.CompareOrdinal(id, continuationToken) < 0))
        {
            if (page.Count == max)
            {
                next = page[^1].VersionId;
                break;
            }

            var h = ReadRecord(Path.Combine(versionsDir, id), withBody: false)?.Header;
            if (h is not null)
            {
                page.Add(new ObjectVersionInfo(key, id, h.ETag, h.LastModified, id == latest, h.IsDeleteMarker));
            }
        }

        return Task.FromResult(new VersionPage(page, next));
    }

    /// <inheritdoc />
    public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) => Task.FromResult(_time.GetUtcNow());

    private string KeyDir(string key) => Path.Combine(_objects, EncodeKey(key));

    private void PrepareKeyDir(string dir, string key)
    {
        RemoveTempFiles(dir);
        if (_versioning)
        {
            Directory.CreateDirectory(Path.Combine(dir, VersionsDir));
        }

        if (Path.GetFileName(dir).StartsWith('~') && !File.Exists(Path.Combine(dir, KeyFile)))
        {
            WriteAtomic(dir, Path.Combine(dir, KeyFile), System.Text.Encoding.UTF8.GetBytes(key));
        }
    }

    private long NextSequence(string dir, Header? current)
    {
        if (current is not null)
        {
            return current.Sequence + 1;
        }

        var versionsDir = Path.Combine(dir, VersionsDir);
        var max = !Directory.Exists(versionsDir) ? 0 : Directory.EnumerateFiles(versionsDir).Select(Path.GetFileName)
            .Select(n => long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0).DefaultIfEmpty(0).Max();
        return max + 1;
    }

    private StoredObject ToStored(string key, Header h, byte[] body) => new(key, body, h.ETag, h.LastModified, _versioning ? h.VersionId : null);
}
