using System.Text;
using Buquet.Actors.Storage;
using static Buquet.Actors.Tests.Storage.ConformanceChecks;

namespace Buquet.Actors.Tests.Storage;

/// <summary>
/// Every behaviour of <see cref="IObjectStore"/>, run against each backend by a derived class. Each test gets a fresh
/// store from <see cref="CreateStoreAsync"/> (a fresh directory, or a fresh bucket on a real server).
/// </summary>
public abstract partial class ObjectStoreConformanceTests : IAsyncLifetime
{
    private IObjectStore? _store;

    /// <summary>The store under test.</summary>
    protected IObjectStore Store => _store ?? throw new InvalidOperationException("store not created");

    /// <summary>Rounds of each 16-writer race (200 in-process; fewer on real servers to keep time down).</summary>
    protected virtual int RaceRounds => 200;

    /// <summary>Creates a fresh, empty store for one test.</summary>
    protected abstract Task<IObjectStore> CreateStoreAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable a: await a.DisposeAsync(); break;
            case IDisposable d: d.Dispose(); break;
        }
    }

    [Fact]
    public async Task GetAsync_MissingKey_ReturnsNull() => Assert.Null(await Store.GetAsync("c/missing"));

    [Fact]
    public async Task HeadAsync_MissingKey_ReturnsNull() => Assert.Null(await Store.HeadAsync("c/missing"));

    [Fact]
    public async Task PutAsync_Unconditional_StoresBodyWithQuotedMd5ETag()
    {
        var before = await Store.GetServerTimeAsync();
        var put = await Store.PutAsync("c/k.json", Bytes("{\"a\":1}"), PutCondition.None);
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal(ETags.ForBody(Bytes("{\"a\":1}")), put.ETag);

        var got = await Store.GetAsync("c/k.json");
        Assert.NotNull(got);
        Assert.Equal("c/k.json", got.Key);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(got.Body.Span));
        Assert.Equal(put.ETag, got.ETag);
        Assert.InRange(got.LastModified, before.AddSeconds(-2), before.AddMinutes(1));

        var head = await Store.HeadAsync("c/k.json");
        Assert.NotNull(head);
        Assert.Equal(put.ETag, head.ETag);
        Assert.Equal(7, head.Size);
    }

    [Fact]
    public async Task PutAsync_UnconditionalOverwrite_ReplacesBody()
    {
        await Store.PutAsync("c/k", Bytes("one"), PutCondition.None);
        var second = await Store.PutAsync("c/k", Bytes("two"), PutCondition.None);
        Assert.Equal(PutStatus.Written, second.Status);
        Assert.Equal("two", await BodyAsync(Store, "c/k"));
    }

    [Fact]
    public async Task PutAsync_CreateOnlyOnMissingKey_Writes()
    {
        var put = await Store.PutAsync("c/new", Bytes("v"), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal(ETags.ForBody(Bytes("v")), put.ETag);
        Assert.Equal("v", await BodyAsync(Store, "c/new"));
    }

    [Fact]
    public async Task PutAsync_CreateOnlyOnExistingKey_PreconditionFailedAndBodyKept()
    {
        await Store.PutAsync("c/k", Bytes("keep"), PutCondition.None);
        var put = await Store.PutAsync("c/k", Bytes("lose"), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.PreconditionFailed, put.Status);
        Assert.Null(put.ETag);
        Assert.Equal("keep", await BodyAsync(Store, "c/k"));
    }

    [Fact]
    public async Task PutAsync_IfMatchQuotedETagAsReturnedByPut_Writes()
    {
        var first = await Store.PutAsync("c/k", Bytes("one"), PutCondition.None);
        Assert.StartsWith("\"", first.ETag, StringComparison.Ordinal);
        var cas = await Store.PutAsync("c/k", Bytes("two"), PutCondition.IfMatch(first.ETag!));
        Assert.Equal(PutStatus.Written, cas.Status);
        Assert.Equal(ETags.ForBody(Bytes("two")), cas.ETag);
        Assert.Equal("two", await BodyAsync(Store, "c/k"));
    }

    [Fact]
    public async Task PutAsync_IfMatchETagAsReturnedByGet_Writes()
    {
        await Store.PutAsync("c/k", Bytes("one"), PutCondition.None);
        var got = await Store.GetAsync("c/k");
        var cas = await Store.PutAsync("c/k", Bytes("two"), PutCondition.IfMatch(got!.ETag));
        Assert.Equal(PutStatus.Written, cas.Status);
        Assert.Equal("two", await BodyAsync(Store, "c/k"));
    }

    [Fact]
    public async Task PutAsync_IfMatchStaleETag_PreconditionFailedAndBodyKept()
    {
        var first = await Store.PutAsync("c/k", Bytes("one"), PutCondition.None);
        await Store.PutAsync("c/k", Bytes("two"), PutCondition.None);
        var cas = await Store.PutAsync("c/k", Bytes("three"), PutCondition.IfMatch(first.ETag!));
        Assert.Equal(PutStatus.PreconditionFailed, cas.Status);
        Assert.Equal("two", await BodyAsync(Store, "c/k"));
    }

    [Fact]
    public async Task PutAsync_IfMatchOnMissingKey_PreconditionFailedAndNothingCreated()
    {
        var cas = await Store.PutAsync("c/missing", Bytes("x"), PutCondition.IfMatch(ETags.ForBody(Bytes("x"))));
        Assert.Equal(PutStatus.PreconditionFailed, cas.Status);
        Assert.Null(await Store.GetAsync("c/missing"));
    }

    [Fact]
    public async Task PutAsync_ConditionalSequence_HoldsEveryRule() => await ConditionalBasicsAsync(Store, "c/");

    [Fact]
    public async Task PutAsync_CreateOnlyAfterDelete_Writes()
    {
        await Store.PutAsync("c/k", Bytes("one"), PutCondition.None);
        Assert.Equal(DeleteStatus.Deleted, await Store.DeleteAsync("c/k"));
        var put = await Store.PutAsync("c/k", Bytes("two"), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal("two", await BodyAsync(Store, "c/k"));
    }

    [Fact]
    public async Task DeleteAsync_ExistingKey_DeletedAndGone()
    {
        await Store.PutAsync("c/k", Bytes("one"), PutCondition.None);
        Assert.Equal(DeleteStatus.Deleted, await Store.DeleteAsync("c/k"));
        Assert.Null(await Store.GetAsync("c/k"));
        Assert.Null(await Store.HeadAsync("c/k"));
    }

    [Fact]
    public async Task DeleteManyAsync_ExistingAndMissingKeys_ExistingGoneOthersKept()
    {
        await Store.PutAsync("c/a", Bytes("a"), PutCondition.None);
        await Store.PutAsync("c/b", Bytes("b"), PutCondition.None);
        await Store.PutAsync("c/keep", Bytes("k"), PutCondition.None);

        await Store.DeleteManyAsync(["c/a", "c/missing", "c/b"]);
        await Store.DeleteManyAsync(["c/also-missing"]);

        Assert.Null(await Store.HeadAsync("c/a"));
        Assert.Null(await Store.HeadAsync("c/b"));
        Assert.NotNull(await Store.HeadAsync("c/keep"));
        Assert.Equal(["c/keep"], (await Store.ListAsync(new ListRequest("c/"))).Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task DeleteManyAsync_MoreKeysThanOneRequestHolds_AllGone()
    {
        var keys = Enumerable.Range(0, 1005).Select(i => $"m/{i:D5}").ToArray();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (k, ct) =>
            await Store.PutAsync(k, Bytes(k), PutCondition.None, ct));

        await Store.DeleteManyAsync(keys);

        Assert.Empty((await Store.ListAsync(new ListRequest("m/"))).Objects);
    }

    [Fact]
    public async Task DeleteAsync_MissingKey_NotFound() => Assert.Equal(DeleteStatus.NotFound, await Store.DeleteAsync("c/missing"));

    [Fact]
    public async Task DeleteAsync_IfMatchCurrentETag_Deleted()
    {
        var put = await Store.PutAsync("c/k", Bytes("one"), PutCondition.None);
        Assert.Equal(DeleteStatus.Deleted, await Store.DeleteAsync("c/k", put.ETag));
        Assert.Null(await Store.GetAsync("c/k"));
    }

    [Fact]
    public async Task DeleteAsync_IfMatchStaleETagWhereSupported_PreconditionFailedAndKept()
    {
        var first = await Store.PutAsync("c/k", Bytes("one"), PutCondition.None);
        await Store.PutAsync("c/k", Bytes("two"), PutCondition.None);
        var status = await Store.DeleteAsync("c/k", first.ETag);
        Assert.Equal(DeleteStatus.PreconditionFailed, status);
        Assert.Equal("two", await BodyAsync(Store, "c/k"));
    }

    [Fact]
    public async Task PutAsync_EmptyBody_RoundTripsWithEmptyMd5()
    {
        var put = await Store.PutAsync("c/empty", ReadOnlyMemory<byte>.Empty, PutCondition.IfNoneMatch);
        Assert.Equal("\"d41d8cd98f00b204e9800998ecf8427e\"", put.ETag);
        var got = await Store.GetAsync("c/empty");
        Assert.NotNull(got);
        Assert.Equal(0, got.Body.Length);
        Assert.Equal(0, (await Store.HeadAsync("c/empty"))!.Size);
    }

    [Fact]
    public async Task PutAsync_LargeBody_RoundTripsByteForByte()
    {
        var body = new byte[5 * 1024 * 1024 + 17];
        new Random(42).NextBytes(body);
        var put = await Store.PutAsync("c/large.bin", body, PutCondition.IfNoneMatch);
        Assert.Equal(ETags.ForBody(body), put.ETag);
        var got = await Store.GetAsync("c/large.bin");
        Assert.True(got!.Body.Span.SequenceEqual(body), "large body differs after the round trip");
        var cas = await Store.PutAsync("c/large.bin", body.AsMemory(1), PutCondition.IfMatch(got.ETag));
        Assert.Equal(PutStatus.Written, cas.Status);
    }

    [Theory]
    [InlineData("c/with space/file name.json")]
    [InlineData("c/ünïcødé/日本語/🚀.json")]
    [InlineData("c/a+b=c&d?e#f")]
    [InlineData("c/percent%20and%2Fslash")]
    [InlineData("c/..")]
    [InlineData("c/../../escape")]
    [InlineData("c/UPPER/lower")]
    public async Task PutAsync_UnusualKey_RoundTripsAndLists(string key)
    {
        var put = await Store.PutAsync(key, Bytes(key), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal(key, await BodyAsync(Store, key));
        Assert.Equal(PutStatus.Written, (await Store.PutAsync(key, Bytes("2"), PutCondition.IfMatch(put.ETag!))).Status);
        var page = await Store.ListAsync(new ListRequest("c/"));
        Assert.Equal([key], page.Objects.Select(o => o.Key));
        Assert.Equal(DeleteStatus.Deleted, await Store.DeleteAsync(key));
        Assert.Empty((await Store.ListAsync(new ListRequest("c/"))).Objects);
    }

    [Fact]
    public async Task GetServerTimeAsync_Called_ReturnsCurrentNonDecreasingTime()
    {
        var local = TimeProvider.System.GetUtcNow();
        var first = await Store.GetServerTimeAsync();
        var second = await Store.GetServerTimeAsync();
        Assert.InRange(first, local.AddMinutes(-5), local.AddMinutes(5));
        Assert.True(second >= first, $"server time went back from {first:O} to {second:O}");
    }
}
