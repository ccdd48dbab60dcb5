using System.Globalization;
using Buquet.Actors.Storage;
using static Buquet.Actors.Tests.Storage.ConformanceChecks;

namespace Buquet.Actors.Tests.Storage;

public abstract partial class ObjectStoreConformanceTests
{
    // Byte (UTF-8) order: "A" < "a" < "a-1" < "a/1" < "a0" < "b" < "é" < "｡" (U+FF61) < "😀" (U+1F600).
    // UTF-16 ordinal order would put "😀" (a surrogate pair, 0xD83D) before "｡" (0xFF61): a trap for string.CompareOrdinal.
    private static readonly string[] OrderedKeys = ["l/A", "l/a", "l/a-1", "l/a/1", "l/a0", "l/b", "l/é", "l/\uFF61", "l/😀"];

    private async Task PutAllAsync(IEnumerable<string> keys)
    {
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(keys.Select(async k =>
        {
            await gate.WaitAsync();
            try
            {
                Assert.Equal(PutStatus.Written, (await Store.PutAsync(k, Bytes(k), PutCondition.None)).Status);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private async Task<List<string>> ListAllAsync(string prefix, int maxKeys, string? startAfter = null)
    {
        var keys = new List<string>();
        string? token = null;
        for (var pages = 0; pages < 10_000; pages++)
        {
            var page = await Store.ListAsync(new ListRequest(prefix, startAfter, maxKeys, token));
            Assert.InRange(page.Objects.Count, 0, maxKeys);
            keys.AddRange(page.Objects.Select(o => o.Key));
            token = page.NextContinuationToken;
            if (token is null)
            {
                return keys;
            }
        }

        throw new InvalidOperationException("listing never ended");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task ListAsync_MaxKeysBelowOne_RefusedNamingTheValue(int maxKeys)
    {
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAsync(new ListRequest("c/", MaxKeys: maxKeys)));
        Assert.Contains($"was {maxKeys}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsOnlyMatchingKeysInByteOrder()
    {
        await PutAllAsync(OrderedKeys.Reverse().Append("m/other").Append("k/other"));
        var page = await Store.ListAsync(new ListRequest("l/"));
        Assert.Equal(OrderedKeys, page.Objects.Select(o => o.Key));
        Assert.False(page.IsTruncated);
        var a = page.Objects.Single(o => o.Key == "l/a-1");
        Assert.Equal(ETags.ForBody(Bytes("l/a-1")), a.ETag);
        Assert.Equal(Bytes("l/a-1").Length, a.Size);
    }

    [Fact]
    public async Task ListAsync_PrefixWithoutSlash_MatchesByBytes()
    {
        await PutAllAsync(OrderedKeys);
        Assert.Equal(["l/a", "l/a-1", "l/a/1", "l/a0"], (await Store.ListAsync(new ListRequest("l/a"))).Objects.Select(o => o.Key));
        Assert.Empty((await Store.ListAsync(new ListRequest("l/c"))).Objects);
    }

    [Fact]
    public async Task ListAsync_StartAfter_ReturnsOnlyLaterKeys()
    {
        await PutAllAsync(OrderedKeys);
        var page = await Store.ListAsync(new ListRequest("l/", StartAfter: "l/a-1"));
        Assert.Equal(OrderedKeys[3..], page.Objects.Select(o => o.Key));
        var between = await Store.ListAsync(new ListRequest("l/", StartAfter: "l/a."));
        Assert.Equal(OrderedKeys[3..], between.Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task ListAsync_SmallPages_CoverEveryKeyOnceInOrder()
    {
        var keys = Enumerable.Range(0, 25).Select(i => "p/" + i.ToString("D3", CultureInfo.InvariantCulture)).ToList();
        await PutAllAsync(keys);
        Assert.Equal(keys, await ListAllAsync("p/", 7));
        Assert.Equal(keys[11..], await ListAllAsync("p/", 4, startAfter: "p/010"));
        var first = await Store.ListAsync(new ListRequest("p/", MaxKeys: 25));
        Assert.False(first.IsTruncated);
    }

    [Fact]
    public async Task ListAsync_MoreThanThousandKeys_PaginatesAllInOrder()
    {
        var keys = Enumerable.Range(0, 1100).Select(i => "big/" + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
        await PutAllAsync(keys);
        var first = await Store.ListAsync(new ListRequest("big/"));
        Assert.Equal(1000, first.Objects.Count);
        Assert.True(first.IsTruncated);
        Assert.Equal(keys, await ListAllAsync("big/", 1000));
    }

    [Fact]
    public async Task ListAsync_DeletedKey_IsNotListed()
    {
        await PutAllAsync(["d/1", "d/2", "d/3"]);
        await Store.DeleteAsync("d/2");
        Assert.Equal(["d/1", "d/3"], (await Store.ListAsync(new ListRequest("d/"))).Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task ListVersionsAsync_VersionedStore_NewestFirstReadableAndPaginated()
    {
        var etags = new List<string>();
        var versionIds = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            var put = await Store.PutAsync("v/k", Bytes("v" + i), PutCondition.None);
            etags.Add(put.ETag!);
            versionIds.Add(put.VersionId);
        }

        await Store.PutAsync("v/k2", Bytes("other key, same prefix"), PutCondition.None);
        var all = await Store.ListVersionsAsync("v/k");
        if (!Store.Capabilities.Versioning)
        {
            Assert.Empty(all.Versions);
            Assert.All(versionIds, Assert.Null);
            return;
        }

        Assert.Equal(etags.AsEnumerable().Reverse(), all.Versions.Select(v => v.ETag));
        Assert.All(all.Versions, v => Assert.Equal("v/k", v.Key));
        Assert.True(all.Versions[0].IsLatest);
        Assert.Equal(versionIds.AsEnumerable().Reverse(), all.Versions.Select(v => v.VersionId));
        var oldest = await Store.GetVersionAsync("v/k", all.Versions[^1].VersionId);
        Assert.Equal("v0", System.Text.Encoding.UTF8.GetString(oldest!.Body.Span));
        Assert.Equal(versionIds[0], oldest.VersionId);

        var paged = new List<string>();
        string? token = null;
        do
        {
            var page = await Store.ListVersionsAsync("v/k", 2, token);
            Assert.InRange(page.Versions.Count, 1, 2);
            paged.AddRange(page.Versions.Select(v => v.VersionId));
            token = page.NextContinuationToken;
        }
        while (token is not null);
        Assert.Equal(all.Versions.Select(v => v.VersionId), paged);

        await Store.DeleteAsync("v/k");
        var afterDelete = await Store.ListVersionsAsync("v/k");
        Assert.True(afterDelete.Versions[0].IsDeleteMarker);
        Assert.Equal(6, afterDelete.Versions.Count);
        Assert.Equal("v4", System.Text.Encoding.UTF8.GetString((await Store.GetVersionAsync("v/k", versionIds[4]!))!.Body.Span));
    }

    [Fact]
    public async Task PutAsync_ConcurrentIfMatchWriters_ExactlyOneWinsEachRound() =>
        await IfMatchRaceAsync(Store, "race/cas", RaceRounds);

    [Fact]
    public async Task PutAsync_ConcurrentCreateOnlyWriters_ExactlyOneWinsEachRound() =>
        await CreateOnlyRaceAsync(Store, "race/", RaceRounds);
}
