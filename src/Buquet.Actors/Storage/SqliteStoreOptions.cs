namespace Buquet.Actors.Storage;

/// <summary>How a <see cref="SqliteObjectStore"/> commits to disk (SQLite's <c>PRAGMA synchronous</c> in WAL mode).</summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>synchronous = FULL</c>: the WAL is fsynced at every commit, and a write is reported only after its commit. A power
    /// cut loses nothing that was reported written. Writers that arrive together share one commit (group commit), so
    /// the fsync cost is per batch, not per write.
    /// </summary>
    Full,

    /// <summary>
    /// <c>synchronous = NORMAL</c>: the WAL is fsynced at checkpoints only. A killed process loses nothing; a power cut
    /// or kernel crash can lose the writes committed since the last checkpoint (reported written, then gone), never
    /// corrupt the file.
    /// </summary>
    Normal,
}

/// <summary>Settings of a <see cref="SqliteObjectStore"/>.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>The database file's name inside the store directory.</summary>
    public const string DatabaseFileName = "buquet.db";

    /// <summary>Every key keeps its versions (what the directory store did).</summary>
    public static IReadOnlyList<string> AllKeys { get; } = [""];

    /// <summary>The store directory; the database is <c>&lt;Directory&gt;/buquet.db</c>. Share it between processes to share the store.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// Keys starting with one of these prefixes keep their version history (<see cref="IObjectStore.ListVersionsAsync"/>,
    /// delete markers); every other key keeps only its current object and leaves nothing behind when deleted. Empty
    /// means no history at all. The default, <see cref="AllKeys"/>, versions every key.
    /// </summary>
    public IReadOnlyList<string> VersionedPrefixes { get; init; } = AllKeys;

    /// <summary>
    /// What a delete of a versioned key leaves: <c>true</c> (the default, S3's behaviour) archives the current version and
    /// writes a delete marker, so the history stays readable; <c>false</c> removes the key's whole history with it, so a
    /// deleted object leaves no row behind (the local store's equivalent of an S3 lifecycle rule that expires noncurrent
    /// versions at once). The product's local store passes <c>false</c>: only retention and <c>buquet purge</c> delete task
    /// objects, and they mean "gone".
    /// </summary>
    public bool KeepHistoryOnDelete { get; init; } = true;

    /// <summary>Commit durability. The default is <see cref="SqliteDurability.Full"/>.</summary>
    public SqliteDurability Durability { get; init; } = SqliteDurability.Full;

    /// <summary>How long a write waits for another process holding the database's write lock. The default is 30 seconds.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Create the directory and database when missing (the default). When false, a missing database is refused with
    /// <see cref="ObjectStoreConfigurationException"/> and nothing is created (for read-only commands).
    /// </summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>Most writes committed in one transaction. The default is 256.</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>The database file's full path.</summary>
    public string DatabasePath => System.IO.Path.Combine(System.IO.Path.GetFullPath(Directory), DatabaseFileName);
}
