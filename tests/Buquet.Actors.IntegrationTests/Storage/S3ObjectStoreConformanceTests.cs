using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Storage;

namespace Buquet.Actors.IntegrationTests.Storage;

/// <summary>The conformance suite on moto, a fresh versioned bucket per test.</summary>
public sealed class MotoS3ObjectStoreConformanceTests : ObjectStoreConformanceTests
{
    protected override int RaceRounds => 30;

    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        var store = await S3TestServer.Moto.CreateStoreAsync();
        Assert.True(store.Capabilities.Versioning, "moto buckets in these tests run with versioning on");
        return store;
    }
}

/// <summary>The conformance suite on Ceph RGW 16.2, a fresh unversioned bucket per test.</summary>
public sealed class RgwS3ObjectStoreConformanceTests : ObjectStoreConformanceTests
{
    protected override int RaceRounds => 30;

    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        var store = await S3TestServer.Rgw.CreateStoreAsync();
        Assert.False(store.Capabilities.Versioning, "RGW buckets in these tests run with versioning off");
        return store;
    }
}
