using System.Text;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Storage;

/// <summary>Behaviour specific to the local-directory store: file layout, crash safety, several store instances.</summary>
public sealed class LocalDirectoryObjectStoreTests : IDisposable
{
    private readonly string _root = TestDirectories.DiskScratch("buquet-lds-");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData("..")]
    [InlineData("../../etc/passwd")]
    [InlineData("a/b\\c")]
    [InlineData("con")]
    [InlineData("Ab")]
    public void EncodeKey_HostileKey_IsOneSafeFileName(string key)
    {
        var name = LocalDirectoryObjectStore.EncodeKey(key);
        Assert.DoesNotContain('/', name);
        Assert.DoesNotContain('\\', name);
        Assert.DoesNotContain('.', name);
        // Literal letters are lower case only and hex digits upper case only: no two keys collide on a case-insensitive disk.
        Assert.Matches("^(?:[a-z0-9_-]|%[0-9A-F]{2})+$", name);
        Assert.NotEqual(LocalDirectoryObjectStore.EncodeKey(key + "X"), LocalDirectoryObjectStore.EncodeKey(key + "x"));
    }

    [Fact]
    public async Task PutAsync_KeyTooLongForAFileName_RoundTripsAndLists()
    {
        var store = new LocalDirectoryObjectStore(_root);
        var key = "long/" + new string('é', 300);
        var put = await store.PutAsync(key, Bytes("x"), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal(PutStatus.PreconditionFailed, (await store.PutAsync(key, Bytes("y"), PutCondition.IfNoneMatch)).Status);
        Assert.Equal([key], (await store.ListAsync(new ListRequest("long/"))).Objects.Select(o => o.Key));
        Assert.StartsWith("~", Path.GetFileName(Directory.GetDirectories(Path.Combine(_root, "objects")).Single()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_WriterKilledMidWrite_ReturnsLastCompleteObjectAndNextWriteCleansUp()
    {
        var store = new LocalDirectoryObjectStore(_root);
        var put = await store.PutAsync("k", Bytes("complete"), PutCondition.None);
        var keyDir = Path.Combine(_root, "objects", LocalDirectoryObjectStore.EncodeKey("k"));
        // What a writer killed before its rename leaves behind: a half-written temp file (and an unheld lock file).
        await File.WriteAllBytesAsync(Path.Combine(keyDir, ".tmp-deadbeef"), Bytes("BQOBJ1\t\"torn"));

        Assert.Equal("complete", Encoding.UTF8.GetString((await store.GetAsync("k"))!.Body.Span));
        Assert.Equal(["k"], (await store.ListAsync(new ListRequest())).Objects.Select(o => o.Key));
        var cas = await store.PutAsync("k", Bytes("next"), PutCondition.IfMatch(put.ETag!));
        Assert.Equal(PutStatus.Written, cas.Status);
        Assert.Empty(Directory.GetFiles(keyDir, ".tmp-*"));
    }

    [Fact]
    public async Task PutAsync_TwoStoreInstancesOnOneDirectory_ExactlyOneCasWinnerPerRound()
    {
        // Separate instances share no in-process lock: only the lock file (flock) serialises them, as between processes.
        var a = new LocalDirectoryObjectStore(_root);
        var b = new LocalDirectoryObjectStore(_root);
        var etag = (await a.PutAsync("k", Bytes("seed"), PutCondition.None)).ETag!;
        for (var round = 0; round < 50; round++)
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var current = etag;
            var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                await go.Task;
                var body = $"r{round}-w{i}";
                return (Body: body, Outcome: await (i % 2 == 0 ? a : b).PutAsync("k", Bytes(body), PutCondition.IfMatch(current)));
            })).ToArray();
            go.SetResult();
            var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
            var winner = Assert.Single(results, r => r.Outcome.Succeeded);
            Assert.Equal(winner.Body, Encoding.UTF8.GetString((await b.GetAsync("k"))!.Body.Span));
            etag = winner.Outcome.ETag!;
        }
    }

    [Fact]
    public async Task PutAsync_LockHeldByAnotherProcess_FailsAfterLockTimeout()
    {
        var time = new FakeTimeProvider();
        var store = new LocalDirectoryObjectStore(_root, time) { LockTimeout = TimeSpan.FromSeconds(5) };
        await store.PutAsync("k", Bytes("v"), PutCondition.None);
        var lockPath = Path.Combine(_root, "objects", LocalDirectoryObjectStore.EncodeKey("k"), "lock");
        using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var put = store.PutAsync("k", Bytes("w"), PutCondition.None);
            for (var i = 0; i < 1000 && !put.IsCompleted; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(50));
                await Task.Yield();
            }

            var e = await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => put.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Contains("lock", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(PutStatus.Written, (await store.PutAsync("k", Bytes("after"), PutCondition.None)).Status);
    }

    [Fact]
    public async Task PutAsync_LockHeldByKilledProcess_WaitsThenProceedsWhenTheOsReleasesIt()
    {
        // util-linux flock(1) takes the same flock(2) lock .NET takes for FileShare.None: a real second process.
        Assert.True(File.Exists("/usr/bin/flock"), "this test needs util-linux flock(1) (Debian: util-linux)");
        var time = new FakeTimeProvider();
        var store = new LocalDirectoryObjectStore(_root, time);
        var seed = await store.PutAsync("k", Bytes("seed"), PutCondition.None);
        var lockPath = Path.Combine(_root, "objects", LocalDirectoryObjectStore.EncodeKey("k"), "lock");
        using var holder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/flock", [lockPath, "-c", "echo locked; exec sleep 600"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            var put = store.PutAsync("k", Bytes("after the kill"), PutCondition.IfMatch(seed.ETag!));
            Assert.False(put.IsCompleted, "the write did not wait for the other process's lock");
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            for (var i = 0; i < 1000 && !put.IsCompleted; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(10));
                await Task.Yield();
            }

            Assert.Equal(PutStatus.Written, (await put.WaitAsync(TimeSpan.FromSeconds(10))).Status);
            Assert.Equal("after the kill", Encoding.UTF8.GetString((await store.GetAsync("k"))!.Body.Span));
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task GetAsync_ClockFromTimeProvider_StampsLastModified()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var store = new LocalDirectoryObjectStore(_root, time);
        await store.PutAsync("k", Bytes("v"), PutCondition.None);
        Assert.Equal(time.GetUtcNow(), (await store.GetAsync("k"))!.LastModified);
        Assert.Equal(time.GetUtcNow(), await store.GetServerTimeAsync());
    }

    [Fact]
    public void Constructor_BlankRoot_ThrowsNamingTheArgument() =>
        Assert.Equal("rootDirectory", Assert.Throws<ArgumentException>(() => new LocalDirectoryObjectStore(" ")).ParamName);
}
