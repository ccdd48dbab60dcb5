using System.Diagnostics;
using System.Text;
using Buquet.Actors.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Storage;

/// <summary>Behaviour specific to the SQLite store: layout, version policy, crash safety, several processes on one file.</summary>
public sealed class SqliteObjectStoreTests : IDisposable
{
    private readonly string _root = TestDirectories.DiskScratch("buquet-sqlite-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private SqliteObjectStore TasksVersioned(TimeSpan? busyTimeout = null) => new(new SqliteStoreOptions
    {
        Directory = _root,
        VersionedPrefixes = ["tasks/"],
        BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(30),
    });

    private long CountRows(string table)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(_root, "buquet.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM {table}";
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public void ListAsync_AnyPrefix_IsAnIndexRangeSearchNotAScan()
    {
        using var store = new SqliteObjectStore(_root);
        var plan = store.ExplainList();
        Assert.Contains("SEARCH objects USING PRIMARY KEY (key>? AND key<?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAsync_UnversionedKey_LeavesNoRowAnywhere()
    {
        using var store = TasksVersioned();
        var put = await store.PutAsync("ready/0/x", Bytes("1"), PutCondition.IfNoneMatch);
        Assert.Null(put.VersionId);
        await store.PutAsync("ready/0/x", Bytes("2"), PutCondition.IfMatch(put.ETag!));
        Assert.Equal(DeleteStatus.Deleted, await store.DeleteAsync("ready/0/x"));
        await store.PutAsync("leases/0/y", Bytes("l"), PutCondition.None);
        await store.DeleteManyAsync(["leases/0/y"]);

        Assert.Empty((await store.ListVersionsAsync("ready/0/x")).Versions);
        Assert.Equal(0, CountRows("objects"));
        Assert.Equal(0, CountRows("versions"));
        Assert.Equal(0, CountRows("bodies"));
    }

    [Fact]
    public async Task DeleteAsync_VersionedKey_HistoryKeptOutsideTheListedTable()
    {
        using var store = TasksVersioned();
        var v1 = await store.PutAsync("tasks/0/t.json", Bytes("queued"), PutCondition.IfNoneMatch);
        var v2 = await store.PutAsync("tasks/0/t.json", Bytes("running"), PutCondition.IfMatch(v1.ETag!));
        Assert.Equal(DeleteStatus.Deleted, await store.DeleteAsync("tasks/0/t.json", v2.ETag));

        Assert.Equal(0, CountRows("objects"));
        Assert.Equal(3, CountRows("versions"));
        Assert.Equal(2, CountRows("bodies"));
        var history = (await store.ListVersionsAsync("tasks/0/t.json")).Versions;
        Assert.Equal([true, false, false], history.Select(v => v.IsDeleteMarker));
        Assert.Equal("queued", Encoding.UTF8.GetString((await store.GetVersionAsync("tasks/0/t.json", v1.VersionId!))!.Body.Span));
        var again = await store.PutAsync("tasks/0/t.json", Bytes("again"), PutCondition.IfNoneMatch);
        Assert.Equal(SqliteObjectStore.VersionId(4), again.VersionId);
    }

    [Fact]
    public async Task DeleteAsync_VersionedKeyHistoryNotKeptOnDelete_LeavesNoRowAnywhere()
    {
        using var store = new SqliteObjectStore(new SqliteStoreOptions { Directory = _root, VersionedPrefixes = ["tasks/"], KeepHistoryOnDelete = false });
        var v1 = await store.PutAsync("tasks/0/t.json", Bytes("queued"), PutCondition.IfNoneMatch);
        var v2 = await store.PutAsync("tasks/0/t.json", Bytes("running"), PutCondition.IfMatch(v1.ETag!));
        var kept = await store.PutAsync("tasks/0/u.json", Bytes("queued"), PutCondition.IfNoneMatch);
        Assert.Equal(2, (await store.ListVersionsAsync("tasks/0/t.json")).Versions.Count);

        Assert.Equal(DeleteStatus.PreconditionFailed, await store.DeleteAsync("tasks/0/t.json", v1.ETag));
        Assert.Equal(DeleteStatus.Deleted, await store.DeleteAsync("tasks/0/t.json", v2.ETag));

        Assert.Empty((await store.ListVersionsAsync("tasks/0/t.json")).Versions);
        Assert.Null(await store.GetVersionAsync("tasks/0/t.json", v1.VersionId!));
        Assert.Equal(1, CountRows("objects"));
        Assert.Equal(0, CountRows("versions"));
        Assert.Equal(1, CountRows("bodies"));
        Assert.Single((await store.ListVersionsAsync("tasks/0/u.json")).Versions);
        Assert.Equal(kept.ETag, (await store.HeadAsync("tasks/0/u.json"))!.ETag);
    }

    [Fact]
    public async Task PutAsync_TwoStoreInstancesOnOneFile_ExactlyOneCasWinnerPerRound()
    {
        // Separate instances share no writer, connection or lock: only SQLite's file lock serialises them, as between processes.
        using var a = new SqliteObjectStore(_root);
        using var b = new SqliteObjectStore(_root);
        var etag = (await a.PutAsync("k", Bytes("seed"), PutCondition.None)).ETag!;
        for (var round = 0; round < 50; round++)
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var current = etag;
            var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                await go.Task;
                var body = $"r{round}-w{i}-{Guid.NewGuid():N}";
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
    public async Task PutAsync_WriterProcessKilledMidTransaction_NoTornObjectAndWritesProceed()
    {
        using var store = new SqliteObjectStore(_root);
        var seed = await store.PutAsync("k", Bytes("complete"), PutCondition.None);
        using var holder = StartPythonWriter("UPDATE bodies SET body = x'00' WHERE id = (SELECT body_id FROM objects WHERE key = CAST('k' AS BLOB)); " +
            "UPDATE objects SET size = 1 WHERE key = CAST('k' AS BLOB); INSERT INTO bodies VALUES (99, x'00'); " +
            "INSERT INTO objects VALUES (CAST('torn' AS BLOB), '\"x\"', 1, 0, 1, x'', 99);");
        try
        {
            Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal("complete", Encoding.UTF8.GetString((await store.GetAsync("k"))!.Body.Span));
            var put = store.PutAsync("k", Bytes("after the kill"), PutCondition.IfMatch(seed.ETag!));
            Assert.False(put.IsCompleted, "the write did not wait for the other process's write lock");
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal(PutStatus.Written, (await put.WaitAsync(TimeSpan.FromSeconds(30))).Status);
            Assert.Equal("after the kill", Encoding.UTF8.GetString((await store.GetAsync("k"))!.Body.Span));
            Assert.Null(await store.HeadAsync("torn"));
            Assert.Equal(["k"], (await store.ListAsync(new ListRequest())).Objects.Select(o => o.Key));
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
    public async Task Constructor_AnotherProcessHoldsTheWriterLock_OpensOnceItIsFree()
    {
        // .NET's FileStream takes flock(LOCK_SH | LOCK_NB) while opening on Unix: a store opened while another process
        // is inside a transaction (a worker writing while `buquet status` starts) used to fail at once with "being used
        // by another process". Here the other process holds the writer lock for half a second after saying so.
        new SqliteObjectStore(_root).Dispose();
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import fcntl, sys, time\nf = open(sys.argv[1], 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(0.5)\nfcntl.flock(f, fcntl.LOCK_UN)\n");
        start.ArgumentList.Add(Path.Combine(_root, "buquet.db.writer"));
        using var holder = Process.Start(start)!;
        try
        {
            Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));

            using var store = new SqliteObjectStore(_root);

            Assert.Equal(PutStatus.Written, (await store.PutAsync("k", Bytes("v"), PutCondition.IfNoneMatch)).Status);
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
    public async Task PutAsync_WriteLockHeldLongerThanBusyTimeout_FailsUnavailableThenRecovers()
    {
        using var store = TasksVersioned(TimeSpan.FromMilliseconds(300));
        await store.PutAsync("k", Bytes("v"), PutCondition.None);
        using var holder = StartPythonWriter("");
        try
        {
            Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
            var e = await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.PutAsync("k", Bytes("w"), PutCondition.None).WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("write lock", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(PutStatus.Written, (await store.PutAsync("k", Bytes("after"), PutCondition.None)).Status);
    }

    [Fact]
    public async Task GetAsync_ClockFromTimeProvider_StampsLastModified()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        using var store = new SqliteObjectStore(_root, time);
        await store.PutAsync("k", Bytes("v"), PutCondition.None);
        Assert.Equal(time.GetUtcNow(), (await store.GetAsync("k"))!.LastModified);
        Assert.Equal(time.GetUtcNow(), await store.GetServerTimeAsync());
    }

    [Fact]
    public void Constructor_MissingDatabaseAndCreateIfMissingOff_RefusedAndNothingCreated()
    {
        var e = Assert.Throws<ObjectStoreConfigurationException>(() => new SqliteObjectStore(new SqliteStoreOptions { Directory = _root, CreateIfMissing = false }));
        Assert.Contains("No local store", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_root));
    }

    [Fact]
    public void Constructor_DatabaseOfANewerFormat_RefusedNamingBothFormats()
    {
        new SqliteObjectStore(_root).Dispose();
        using (var c = new SqliteConnection($"Data Source={Path.Combine(_root, "buquet.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 99";
            cmd.ExecuteNonQuery();
        }

        var e = Assert.Throws<ObjectStoreConfigurationException>(() => new SqliteObjectStore(_root));
        Assert.Contains("format 99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BlankDirectory_ThrowsNamingTheSetting() =>
        Assert.Equal("Directory", Assert.Throws<ArgumentException>(() => new SqliteObjectStore(" ")).ParamName);

    /// <summary>A second process (Python's sqlite3) that takes the write lock, runs <paramref name="sql"/> uncommitted, prints "locked" and waits.</summary>
    private Process StartPythonWriter(string sql)
    {
        var script = "import sqlite3, sys, time\n" +
            $"c = sqlite3.connect({PyString(Path.Combine(_root, "buquet.db"))}, isolation_level=None)\n" +
            $"c.executescript({PyString("BEGIN IMMEDIATE; " + sql)})\n" +
            "print('locked', flush=True)\n" +
            "time.sleep(600)\n";
        return Process.Start(new ProcessStartInfo("python3", ["-c", script]) { RedirectStandardOutput = true })!;
    }

    private static string PyString(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
