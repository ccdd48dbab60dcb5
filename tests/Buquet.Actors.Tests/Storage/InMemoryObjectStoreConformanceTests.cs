using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

/// <summary>The conformance suite on the in-memory store with versioning on.</summary>
public sealed class InMemoryObjectStoreConformanceTests : ObjectStoreConformanceTests
{
    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new InMemoryObjectStore());
}

/// <summary>The conformance suite on the in-memory store with versioning off.</summary>
public sealed class InMemoryUnversionedObjectStoreConformanceTests : ObjectStoreConformanceTests
{
    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new InMemoryObjectStore(versioning: false));
}
