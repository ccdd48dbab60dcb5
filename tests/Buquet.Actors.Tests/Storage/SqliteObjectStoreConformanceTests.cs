using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

/// <summary>The conformance suite on the SQLite store with its defaults (every key versioned, synchronous = FULL), a fresh directory per test.</summary>
public sealed class SqliteObjectStoreConformanceTests : ObjectStoreConformanceTests
{
    private readonly string _root = TestDirectories.FastScratch("buquet-sqlite-");

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new SqliteObjectStore(_root));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>The conformance suite on the SQLite store with no versioned keys and synchronous = NORMAL.</summary>
public sealed class SqliteUnversionedObjectStoreConformanceTests : ObjectStoreConformanceTests
{
    private readonly string _root = TestDirectories.FastScratch("buquet-sqlite-");

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(
        new SqliteObjectStore(new SqliteStoreOptions { Directory = _root, VersionedPrefixes = [], Durability = SqliteDurability.Normal }));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
