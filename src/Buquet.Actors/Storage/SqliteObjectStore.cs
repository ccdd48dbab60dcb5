using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Buquet.Actors.Storage;

/// <summary>
/// The embedded default store: every object in one SQLite database (<c>&lt;directory&gt;/buquet.db</c>, WAL mode) with
/// S3's conditional-write semantics, safe across threads and processes on one machine. Keys are UTF-8 BLOB primary keys
/// (byte order, like S3), so a GET is one B-tree search and a LIST one range search: neither grows with the keys deleted
/// before it. Writes go through one writer thread per store that commits whatever writes are waiting in one transaction
/// (group commit: one fsync for many writers, each with its own outcome). See docs/adr/0014-embedded-sqlite-store.md.
/// </summary>
public sealed partial class SqliteObjectStore : IObjectStore, IListWorkMeter, IDisposable
{
    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly byte[][] _versionedPrefixes;

    /// <summary>Opens (or, unless <see cref="SqliteStoreOptions.CreateIfMissing"/> is off, creates) the store in <paramref name="directory"/>.</summary>
    /// <param name="directory">The store directory; share it between processes to share the store.</param>
    /// <param name="timeProvider">The store's clock (Last-Modified, server time).</param>
    public SqliteObjectStore(string directory, TimeProvider? timeProvider = null)
        : this(new SqliteStoreOptions { Directory = directory }, timeProvider)
    {
    }

    /// <summary>Opens (or creates) the store that <paramref name="options"/> describe.</summary>
    /// <param name="options">Where the store lives, which keys keep versions, durability.</param>
    /// <param name="timeProvider">The store's clock (Last-Modified, server time).</param>
    /// <exception cref="ArgumentException">The directory is blank or a setting is out of range; the message names it.</exception>
    /// <exception cref="ObjectStoreConfigurationException">The database is missing and may not be created, the directory
    /// holds a store in the old directory layout, or the database was written by a newer format.</exception>
    public SqliteObjectStore(SqliteStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory, nameof(options.Directory));
        ArgumentNullException.ThrowIfNull(options.VersionedPrefixes);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BusyTimeout, TimeSpan.FromMilliseconds(1));
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _versionedPrefixes = options.VersionedPrefixes.Select(Encoding.UTF8.GetBytes).ToArray();
        RootDirectory = Path.GetFullPath(options.Directory);
        DatabasePath = options.DatabasePath;
        Capabilities = new StoreCapabilities(_versionedPrefixes.Length > 0, ConditionalDelete: true);
        var writer = OpenDatabase();
        _writer = new Writer(this, writer);
    }

    /// <summary>The absolute store directory.</summary>
    public string RootDirectory { get; }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public StoreCapabilities Capabilities { get; }

    /// <inheritdoc />
    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var k = KeyBytes(key);
        return Task.FromResult(Read(r => r.Get(key, k)));
    }

    /// <inheritdoc />
    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default)
    {
        var k = KeyBytes(key);
        ArgumentException.ThrowIfNullOrEmpty(versionId);
        if (!IsVersioned(k) || !long.TryParse(versionId, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return Task.FromResult<StoredObject?>(null);
        }

        return Task.FromResult(Read(r => r.GetVersion(key, k, seq)));
    }

    /// <inheritdoc />
    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        var k = KeyBytes(key);
        return Task.FromResult(Read(r => r.Head(key, k)));
    }

    /// <inheritdoc />
    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default)
    {
        var k = KeyBytes(key);
        ArgumentNullException.ThrowIfNull(condition);
        cancellationToken.ThrowIfCancellationRequested();
        var etag = ETags.ForBody(body.Span);
        var ifMatch = condition is PutCondition.IfMatchCondition m ? m.ETag : null;
        var createOnly = condition is PutCondition.CreateOnlyCondition;
        var bytes = body.ToArray();
        return _writer.Enqueue(w => w.Put(k, bytes, etag, createOnly, ifMatch));
    }

    /// <inheritdoc />
    public Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default)
    {
        var k = KeyBytes(key);
        cancellationToken.ThrowIfCancellationRequested();
        return _writer.Enqueue(w => w.Delete(k, ifMatchETag));
    }

    /// <inheritdoc />
    public Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        if (keys.Count == 0)
        {
            return Task.CompletedTask;
        }

        var all = keys.Select(KeyBytes).ToArray();
        return _writer.Enqueue(w =>
        {
            foreach (var k in all)
            {
                w.Delete(k, null);
            }

            return true;
        });
    }

    /// <inheritdoc />
    public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) => Task.FromResult(_time.GetUtcNow());

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Dispose();
        while (_readers.TryTake(out var r))
        {
            r.Dispose();
        }
    }

    /// <summary>The version id of a key's <paramref name="sequence"/>-th write: 12 digits, as the directory store named them.</summary>
    internal static string VersionId(long sequence) => sequence.ToString("D12", CultureInfo.InvariantCulture);

    private static byte[] KeyBytes(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var bytes = Encoding.UTF8.GetBytes(key);
        if (bytes.Length > 1024)
        {
            throw new ArgumentException($"Key is longer than 1024 UTF-8 bytes: '{key[..64]}…'.", nameof(key));
        }

        return bytes;
    }

    private bool IsVersioned(ReadOnlySpan<byte> key)
    {
        foreach (var p in _versionedPrefixes)
        {
            if (key.StartsWith(p))
            {
                return true;
            }
        }

        return false;
    }

    private DateTimeOffset Now() => _time.GetUtcNow();

    private static ObjectStoreUnavailableException Unavailable(string what, SqliteException e) =>
        new($"SQLite store: {what} failed: {e.Message} (SQLite error {e.SqliteErrorCode}/{e.SqliteExtendedErrorCode}).", e);
}
