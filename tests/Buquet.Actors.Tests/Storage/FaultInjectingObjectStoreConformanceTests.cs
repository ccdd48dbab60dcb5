using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

/// <summary>With no faults configured the decorator is transparent: the whole suite holds through it.</summary>
public sealed class FaultInjectingObjectStoreConformanceTests : ObjectStoreConformanceTests
{
    protected override int RaceRounds => 50;

    protected override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(new FaultInjectingObjectStore(new InMemoryObjectStore(), FaultSettings.None, new Random(1)));
}
