using System.Text;
using Buquet.Actors.Storage;
using Microsoft.Data.Sqlite;

namespace Buquet.Actors.Tests.Storage;

/// <summary>Opening a database written by format 1 of the SQLite store (bodies inline in the key tables).</summary>
public sealed class SqliteObjectStoreMigrationTests : IDisposable
{
    // Format 1's schema and rows as that version wrote them: a task key with two archived versions, a deleted task key
    // (two versions and a delete marker) and an unversioned index key.
    private const string Format1 = """
        CREATE TABLE objects (key BLOB NOT NULL PRIMARY KEY, etag TEXT NOT NULL, size INTEGER NOT NULL, modified INTEGER NOT NULL,
            seq INTEGER NOT NULL, body BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE versions (key BLOB NOT NULL, seq INTEGER NOT NULL, etag TEXT NOT NULL, size INTEGER NOT NULL, modified INTEGER NOT NULL,
            deleted INTEGER NOT NULL, body BLOB, PRIMARY KEY (key, seq)) WITHOUT ROWID;
        INSERT INTO objects VALUES (CAST('tasks/0/a.json' AS BLOB), '"a3"', 9, 3000, 3, CAST('completed' AS BLOB));
        INSERT INTO objects VALUES (CAST('ready/0/1/b' AS BLOB), '"r1"', 5, 1000, 1, CAST('ready' AS BLOB));
        INSERT INTO versions VALUES (CAST('tasks/0/a.json' AS BLOB), 1, '"a1"', 6, 1000, 0, CAST('queued' AS BLOB));
        INSERT INTO versions VALUES (CAST('tasks/0/a.json' AS BLOB), 2, '"a2"', 7, 2000, 0, CAST('running' AS BLOB));
        INSERT INTO versions VALUES (CAST('tasks/0/z.json' AS BLOB), 1, '"z1"', 3, 1000, 0, CAST('old' AS BLOB));
        INSERT INTO versions VALUES (CAST('tasks/0/z.json' AS BLOB), 2, '"z2"', 5, 2000, 0, CAST('older' AS BLOB));
        INSERT INTO versions VALUES (CAST('tasks/0/z.json' AS BLOB), 3, '', 0, 3000, 1, NULL);
        """;

    private readonly string _root = TestDirectories.DiskScratch("buquet-sqlite-migrate-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public async Task Constructor_Format1Database_MigratedWithEveryVersionReadable(int userVersion)
    {
        WriteFormat1(userVersion);

        using var store = new SqliteObjectStore(new SqliteStoreOptions { Directory = _root, VersionedPrefixes = ["tasks/"] });

        Assert.Equal("completed", Text((await store.GetAsync("tasks/0/a.json"))!.Body));
        Assert.Equal("\"a3\"", (await store.HeadAsync("tasks/0/a.json"))!.ETag);
        Assert.Equal("ready", Text((await store.GetAsync("ready/0/1/b"))!.Body));
        Assert.Equal("running", Text((await store.GetVersionAsync("tasks/0/a.json", SqliteObjectStore.VersionId(2)))!.Body));
        Assert.Equal("queued", Text((await store.GetVersionAsync("tasks/0/a.json", SqliteObjectStore.VersionId(1)))!.Body));
        Assert.Equal("older", Text((await store.GetVersionAsync("tasks/0/z.json", SqliteObjectStore.VersionId(2)))!.Body));
        Assert.Equal([true, false, false], (await store.ListVersionsAsync("tasks/0/z.json")).Versions.Select(v => v.IsDeleteMarker));
        Assert.Equal(["ready/0/1/b", "tasks/0/a.json"], (await store.ListAsync(new ListRequest())).Objects.Select(o => o.Key));
        var next = await store.PutAsync("tasks/0/a.json", Encoding.UTF8.GetBytes("again"), PutCondition.IfMatch("\"a3\""));
        Assert.Equal(SqliteObjectStore.VersionId(4), next.VersionId);
        Assert.Equal(SqliteObjectStore.VersionId(4), (await store.PutAsync("tasks/0/z.json", Encoding.UTF8.GetBytes("new"), PutCondition.IfNoneMatch)).VersionId);
        Assert.Equal(2L, Scalar("PRAGMA user_version"));
        Assert.Equal(0L, Scalar("SELECT count(*) FROM sqlite_schema WHERE name LIKE '%_v1'"));
        Assert.Equal(8L, Scalar("SELECT count(*) FROM bodies")); // 6 migrated, 2 written since
        await store.PutAsync("ready/0/1/b", Encoding.UTF8.GetBytes("again"), PutCondition.IfMatch("\"r1\""));
        Assert.Equal("again", Text((await store.GetAsync("ready/0/1/b"))!.Body));
        Assert.Equal(7L, Scalar("SELECT count(*) FROM bodies")); // an unversioned key's body moves back inline
    }

    [Fact]
    public async Task PutAsync_InlineRowOfAKeyNowVersioned_ArchivedWithItsBody()
    {
        using (var unversioned = new SqliteObjectStore(new SqliteStoreOptions { Directory = _root, VersionedPrefixes = [] }))
        {
            await unversioned.PutAsync("tasks/0/a.json", Encoding.UTF8.GetBytes("inline"), PutCondition.None);
        }

        using var store = new SqliteObjectStore(new SqliteStoreOptions { Directory = _root, VersionedPrefixes = ["tasks/"] });
        var v2 = await store.PutAsync("tasks/0/a.json", Encoding.UTF8.GetBytes("out of line"), PutCondition.None);

        Assert.Equal("inline", Text((await store.GetVersionAsync("tasks/0/a.json", SqliteObjectStore.VersionId(1)))!.Body));
        Assert.Equal("out of line", Text((await store.GetVersionAsync("tasks/0/a.json", v2.VersionId!))!.Body));
        Assert.Equal(2L, Scalar("SELECT count(*) FROM bodies"));
    }

    [Fact]
    public void Constructor_Format2Database_OpenedAgainUnchanged()
    {
        new SqliteObjectStore(_root).Dispose();
        new SqliteObjectStore(_root).Dispose();
        Assert.Equal(2L, Scalar("PRAGMA user_version"));
        Assert.Equal(3L, Scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table'"));
    }

    private static string Text(ReadOnlyMemory<byte> body) => Encoding.UTF8.GetString(body.Span);

    private void WriteFormat1(int userVersion)
    {
        Directory.CreateDirectory(_root);
        using var c = new SqliteConnection($"Data Source={Path.Combine(_root, "buquet.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode = WAL; " + Format1 + $"PRAGMA user_version = {userVersion};";
        cmd.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(_root, "buquet.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }
}
