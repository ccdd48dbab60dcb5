using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

/// <summary>The conformance suite on the local-directory store with its defaults (fresh scratch directory per test).</summary>
public sealed class LocalDirectoryObjectStoreConformanceTests : ObjectStoreConformanceTests
{
    private readonly string _root = TestDirectories.FastScratch("buquet-lds-");

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new LocalDirectoryObjectStore(_root));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>The conformance suite on the local-directory store with versioning off.</summary>
public sealed class LocalDirectoryUnversionedObjectStoreConformanceTests : ObjectStoreConformanceTests
{
    private readonly string _root = TestDirectories.FastScratch("buquet-lds-");

    protected override int RaceRounds => 50;

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new LocalDirectoryObjectStore(_root, versioning: false, flushToDisk: false));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
