using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Storage;

public sealed class ObjectStoreFactoryTests
{
    [Fact]
    public async Task CreateAsync_Local_IsSqliteStoreAtFullPathVersioningTaskKeysOnly()
    {
        using var dir = new TempDirectory();
        var options = new StoreOptions { Kind = StoreKind.Local, Local = new LocalStoreOptions { Path = dir.StorePath } };

        using var local = Assert.IsType<SqliteObjectStore>(await ObjectStoreFactory.CreateAsync(options));

        Assert.Equal(Path.GetFullPath(dir.StorePath), local.RootDirectory);
        Assert.True(File.Exists(Path.Combine(dir.StorePath, "buquet.db")));
        Assert.True(local.Capabilities.Versioning);
        Assert.NotNull((await local.PutAsync("tasks/0/t.json", new byte[] { 1 }, PutCondition.IfNoneMatch)).VersionId);
        Assert.Null((await local.PutAsync("ready/0/t", new byte[] { 1 }, PutCondition.IfNoneMatch)).VersionId);

        // Retention's delete of a finished task takes its history with it: nothing of it stays on disk.
        Assert.Equal(DeleteStatus.Deleted, await local.DeleteAsync("tasks/0/t.json"));
        Assert.Empty((await local.ListVersionsAsync("tasks/0/t.json")).Versions);
    }

    [Fact]
    public async Task CreateAsync_ReadOnlyDirectoryWithoutDatabase_RefusedAndNothingCreated()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.StorePath);
        var options = new StoreOptions { Kind = StoreKind.Local, Local = new LocalStoreOptions { Path = dir.StorePath } };

        var e = await Assert.ThrowsAsync<ObjectStoreConfigurationException>(() => ObjectStoreFactory.CreateAsync(options, StoreAccess.ReadOnly));

        Assert.Contains("No local store", e.Message, StringComparison.Ordinal);
        Assert.Equal(StoreConfigurationProblem.LocalStoreMissing, e.Problem);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.StorePath));
    }

    [Fact]
    public async Task CreateAsync_LocalPathWithOldDirectoryLayout_RefusedNamingTheLayoutAndNothingCreated()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.StorePath, "objects", "tasks%2F0%2Fx"));
        var options = new StoreOptions { Kind = StoreKind.Local, Local = new LocalStoreOptions { Path = dir.StorePath } };

        var e = await Assert.ThrowsAsync<ObjectStoreConfigurationException>(() => ObjectStoreFactory.CreateAsync(options));

        Assert.Contains("old directory layout", e.Message, StringComparison.Ordinal);
        Assert.Equal(StoreConfigurationProblem.OldLocalLayout, e.Problem);
        Assert.False(File.Exists(Path.Combine(dir.StorePath, "buquet.db")));
    }

    [Fact]
    public async Task CreateAsync_Memory_IsInMemoryStore()
    {
        var store = await ObjectStoreFactory.CreateAsync(new StoreOptions { Kind = StoreKind.Memory });

        Assert.IsType<InMemoryObjectStore>(store);
    }

    [Fact]
    public async Task CreateAsync_S3WithoutBucket_ThrowsNamingTheBucket()
    {
        var options = new StoreOptions { Kind = StoreKind.S3 };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ObjectStoreFactory.CreateAsync(options));

        Assert.Contains("Bucket name ''", error.Message);
    }

    [Fact]
    public void ToS3StoreOptions_CustomEndpointAndKeys_MapsEverySetting()
    {
        var options = new StoreOptions
        {
            Kind = StoreKind.S3,
            S3 = new Buquet.Actors.Configuration.S3StoreOptions { Endpoint = "http://127.0.0.1:9000", Region = "eu-west-1", Bucket = "queue", AccessKey = "ak", SecretKey = "sk", SessionToken = "st" },
            RequestTimeout = TimeSpan.FromSeconds(7),
            MaxRetries = 2,
        };

        var s3 = ObjectStoreFactory.ToS3StoreOptions(options);

        Assert.Equal("http://127.0.0.1:9000", s3.ServiceUrl);
        Assert.Equal("eu-west-1", s3.Region);
        Assert.Equal("queue", s3.Bucket);
        Assert.Equal("ak", s3.AccessKey);
        Assert.Equal("sk", s3.SecretKey);
        Assert.Equal("st", s3.SessionToken);
        Assert.Null(s3.ForcePathStyle);
        Assert.Equal(TimeSpan.FromSeconds(7), s3.RequestTimeout);
        Assert.Equal(3, s3.MaxAttempts);
    }

    [Fact]
    public void ToS3StoreOptions_EmptyEndpointAndKeys_MeanAwsAndDefaultCredentialChain()
    {
        var s3 = ObjectStoreFactory.ToS3StoreOptions(new StoreOptions { Kind = StoreKind.S3, S3 = new Buquet.Actors.Configuration.S3StoreOptions { Bucket = "queue" } });

        Assert.Null(s3.ServiceUrl);
        Assert.Null(s3.AccessKey);
        Assert.Null(s3.SecretKey);
        Assert.Null(s3.SessionToken);
    }
}
