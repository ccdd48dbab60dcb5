using Buquet.Actors.Configuration;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Hosting;

/// <summary>
/// Creates the <see cref="IObjectStore"/> that <see cref="StoreOptions"/> describe: <see cref="StoreKind.Local"/> →
/// <see cref="SqliteObjectStore"/> (<c>&lt;path&gt;/buquet.db</c>; task objects keep their versions), <see cref="StoreKind.S3"/> → <see cref="S3ObjectStore"/> (probed: a bucket where
/// conditional writes do not hold is refused), <see cref="StoreKind.Memory"/> → <see cref="InMemoryObjectStore"/>.
/// The store is returned undecorated; dispose it when it is <see cref="IDisposable"/>.
/// </summary>
public static class ObjectStoreFactory
{
    /// <summary>
    /// The keys whose versions the local store keeps: task objects (what <c>buquet history</c>, the dashboard and the
    /// benchmarks' timings read). Index keys, leases, heartbeats and the clock keep only their current object, so
    /// deleting them leaves nothing behind.
    /// </summary>
    public static IReadOnlyList<string> LocalVersionedPrefixes { get; } = [TaskKeys.TasksRoot];

    /// <summary>Creates and, for S3, probes the configured store.</summary>
    /// <param name="options">The <c>buquet.store</c> settings.</param>
    /// <param name="timeProvider">Clock for the local and in-memory stores and for S3 retry delays; the system clock when null.</param>
    /// <param name="cancellationToken">Cancels the S3 probe.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException">A setting is unusable (e.g. an invalid bucket name or endpoint URL); the message names it.</exception>
    /// <exception cref="ObjectStoreConfigurationException">The bucket is missing or unreachable, conditional writes do not hold
    /// there, or versioning is off and <c>allow-no-versioning</c> is not set; the local path holds a store in the old
    /// directory layout (refused, nothing changed).</exception>
    public static Task<IObjectStore> CreateAsync(StoreOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        CreateAsync(options, StoreAccess.ReadWrite, timeProvider, cancellationToken);

    /// <summary>
    /// Opens the configured store; with <see cref="StoreAccess.ReadOnly"/> (read-only commands such as list or status) a
    /// local store must already exist: nothing is created, and a missing one throws
    /// <see cref="ObjectStoreConfigurationException"/> naming the path.
    /// </summary>
    /// <param name="options">The <c>buquet.store</c> settings.</param>
    /// <param name="access">Whether the caller writes (a missing local store is then created) or only reads.</param>
    /// <param name="timeProvider">Clock for the local and in-memory stores and for S3 retry delays; the system clock when null.</param>
    /// <param name="cancellationToken">Cancels the S3 probe.</param>
    /// <returns>The store.</returns>
    public static async Task<IObjectStore> CreateAsync(StoreOptions options, StoreAccess access, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Kind)
        {
            case StoreKind.Local:
                if (string.IsNullOrWhiteSpace(options.Local.Path))
                {
                    throw new ArgumentException("buquet.store.local.path is empty; set it to the directory that holds the queue.", nameof(options));
                }

                var root = Path.GetFullPath(options.Local.Path);
                if (access == StoreAccess.ReadOnly && !Directory.Exists(root))
                {
                    throw new ObjectStoreConfigurationException(
                        $"The local store directory '{root}' does not exist (buquet.store.local.path = '{options.Local.Path}'); nothing was created.",
                        StoreConfigurationProblem.LocalStoreMissing);
                }

                return new SqliteObjectStore(
                    new SqliteStoreOptions { Directory = root, VersionedPrefixes = LocalVersionedPrefixes, KeepHistoryOnDelete = false, CreateIfMissing = access == StoreAccess.ReadWrite },
                    timeProvider);
            case StoreKind.Memory:
                return new InMemoryObjectStore(timeProvider);
            case StoreKind.S3:
                var s3 = ToS3StoreOptions(options);
                var store = await S3ObjectStore.CreateAsync(s3, timeProvider, null, cancellationToken).ConfigureAwait(false);
                if (!store.Probe.Versioning && !options.S3.AllowNoVersioning)
                {
                    store.Dispose();
                    throw S3VersioningAdvice.VersioningOffRefusal(store.Probe, s3.Bucket);
                }

                return store;
            default:
                throw new ArgumentException($"Unknown store kind '{options.Kind}'; expected local, s3 or memory.", nameof(options));
        }
    }

    /// <summary>
    /// Maps <c>buquet.store.s3</c> to the settings of <see cref="S3ObjectStore"/>: empty endpoint means AWS; empty keys mean
    /// the SDK's default credential chain; path-style is on for a custom endpoint unless set; attempts = max-retries + 1.
    /// </summary>
    /// <param name="options">The <c>buquet.store</c> settings.</param>
    /// <returns>The S3 store settings (not yet validated).</returns>
    public static Storage.S3StoreOptions ToS3StoreOptions(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var s3 = options.S3;
        return new Storage.S3StoreOptions
        {
            ServiceUrl = string.IsNullOrWhiteSpace(s3.Endpoint) ? null : s3.Endpoint.Trim(),
            Region = string.IsNullOrWhiteSpace(s3.Region) ? "us-east-1" : s3.Region,
            Bucket = s3.Bucket,
            AccessKey = string.IsNullOrEmpty(s3.AccessKey) ? null : s3.AccessKey,
            SecretKey = string.IsNullOrEmpty(s3.SecretKey) ? null : s3.SecretKey,
            SessionToken = string.IsNullOrEmpty(s3.SessionToken) ? null : s3.SessionToken,
            ForcePathStyle = s3.ForcePathStyle ? true : null,
            RequestTimeout = options.RequestTimeout,
            MaxAttempts = Math.Clamp(options.MaxRetries + 1, 1, 100),
        };
    }
}

/// <summary>How a caller of <see cref="ObjectStoreFactory"/> uses the store.</summary>
public enum StoreAccess
{
    /// <summary>Reads and writes: a missing local store directory is created.</summary>
    ReadWrite,

    /// <summary>Reads only: a missing local store directory is an error and nothing is created.</summary>
    ReadOnly,
}
