using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

/// <summary>With no faults configured the decorator is transparent: the whole suite holds through it.</summary>
public sealed class FaultInjectingObjectStoreConformanceTests : ObjectStoreConformanceTests
{
    private readonly InMemoryObjectStore _inner = new();

    protected override int RaceRounds => 50;

    protected override IListWorkMeter ListWorkMeter => _inner;

    protected override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(new FaultInjectingObjectStore(_inner, FaultSettings.None, new Random(1)));
}
