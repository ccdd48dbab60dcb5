using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Buquet.Actors.Storage;

/// <summary>Reads of <see cref="SqliteObjectStore"/>: pooled read connections with prepared statements.</summary>
public sealed partial class SqliteObjectStore
{
    private readonly ConcurrentBag<Reader> _readers = [];
    private long _listEntriesExamined;

    /// <inheritdoc />
    public long ListEntriesExamined => Interlocked.Read(ref _listEntriesExamined);

    /// <inheritdoc />
    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
    {
        var max = ListPaging.PageSize(request);
        cancellationToken.ThrowIfCancellationRequested();
        var prefix = Encoding.UTF8.GetBytes(request.Prefix);
        var afterKey = request.ContinuationToken ?? request.StartAfter;
        var after = afterKey is null ? null : Encoding.UTF8.GetBytes(afterKey);

        // Keys with the prefix are exactly the keys in [prefix, prefix + 0xFF): 0xFF never occurs in UTF-8.
        var upper = new byte[prefix.Length + 1];
        prefix.CopyTo(upper, 0);
        upper[^1] = 0xFF;
        var exclusive = after is not null && after.AsSpan().SequenceCompareTo(prefix) >= 0;
        var lower = exclusive ? after! : prefix;
        var (items, examined) = Read(r => r.List(lower, exclusive, upper, max + 1));
        Interlocked.Add(ref _listEntriesExamined, examined);
        if (items.Count <= max)
        {
            return Task.FromResult(new ListPage(items, null));
        }

        items.RemoveAt(items.Count - 1);
        return Task.FromResult(new ListPage(items, items[^1].Key));
    }

    /// <inheritdoc />
    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        var k = KeyBytes(key);
        if (!IsVersioned(k))
        {
            return Task.FromResult(new VersionPage([], null));
        }

        var before = long.MaxValue;
        if (continuationToken is not null && !long.TryParse(continuationToken, NumberStyles.None, CultureInfo.InvariantCulture, out before))
        {
            throw new ArgumentException($"Invalid version continuation token '{continuationToken}'.", nameof(continuationToken));
        }

        var max = Math.Clamp(maxItems, 1, 1000);
        var versions = Read(r => r.Versions(key, k, before, max + 1));
        if (continuationToken is null && versions.Count > 0)
        {
            versions[0] = versions[0] with { IsLatest = true };
        }

        if (versions.Count <= max)
        {
            return Task.FromResult(new VersionPage(versions, null));
        }

        versions.RemoveAt(versions.Count - 1);
        return Task.FromResult(new VersionPage(versions, versions[^1].VersionId));
    }

    /// <summary>The query plan of a LIST (for tests proving it is an index range search, not a scan).</summary>
    internal string ExplainList() => Read(r => r.ExplainList());

    private T Read<T>(Func<Reader, T> read)
    {
        if (!_readers.TryTake(out var reader))
        {
            reader = new Reader(this, OpenConnection());
        }

        try
        {
            var result = read(reader);
            _readers.Add(reader);
            return result;
        }
        catch (SqliteException e)
        {
            reader.Dispose();
            throw Unavailable("a read", e);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private static DateTimeOffset Ms(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>One read connection and its prepared statements; used by one caller at a time.</summary>
    private sealed class Reader(SqliteObjectStore store, SqliteConnection connection) : IDisposable
    {
        private const string ListColumns = "SELECT key, etag, size, modified FROM objects WHERE ";
        private readonly SqliteCommand _get = Prepare(connection, "SELECT o.etag, o.modified, o.seq, coalesce(b.body, o.body) FROM objects o LEFT JOIN bodies b ON b.id = o.body_id WHERE o.key = $k", "$k");
        private readonly SqliteCommand _head = Prepare(connection, "SELECT etag, size, modified FROM objects WHERE key = $k", "$k");
        private readonly SqliteCommand _version = Prepare(connection,
            "SELECT o.etag, o.modified, coalesce(b.body, o.body) FROM objects o LEFT JOIN bodies b ON b.id = o.body_id WHERE o.key = $k AND o.seq = $s " +
            "UNION ALL SELECT v.etag, v.modified, b.body FROM versions v JOIN bodies b ON b.id = v.body_id WHERE v.key = $k AND v.seq = $s AND v.deleted = 0 LIMIT 1",
            "$k", "$s");
        private readonly SqliteCommand _versions = Prepare(connection,
            "SELECT seq, etag, modified, deleted FROM (SELECT seq, etag, modified, 0 AS deleted FROM objects WHERE key = $k " +
            "UNION ALL SELECT seq, etag, modified, deleted FROM versions WHERE key = $k) WHERE seq < $before ORDER BY seq DESC LIMIT $n",
            "$k", "$before", "$n");
        private readonly SqliteCommand _listFrom = Prepare(connection, ListColumns + "key >= $lo AND key < $hi ORDER BY key LIMIT $n", "$lo", "$hi", "$n");
        private readonly SqliteCommand _listAfter = Prepare(connection, ListColumns + "key > $lo AND key < $hi ORDER BY key LIMIT $n", "$lo", "$hi", "$n");

        public StoredObject? Get(string key, byte[] k)
        {
            _get.Parameters[0].Value = k;
            using var r = _get.ExecuteReader();
            if (!r.Read())
            {
                return null;
            }

            var seq = r.GetInt64(2);
            return new StoredObject(key, r.GetFieldValue<byte[]>(3), r.GetString(0), Ms(r.GetInt64(1)), store.IsVersioned(k) ? VersionId(seq) : null);
        }

        public ObjectInfo? Head(string key, byte[] k)
        {
            _head.Parameters[0].Value = k;
            using var r = _head.ExecuteReader();
            return r.Read() ? new ObjectInfo(key, r.GetString(0), r.GetInt64(1), Ms(r.GetInt64(2))) : null;
        }

        public StoredObject? GetVersion(string key, byte[] k, long seq)
        {
            _version.Parameters[0].Value = k;
            _version.Parameters[1].Value = seq;
            using var r = _version.ExecuteReader();
            return r.Read() ? new StoredObject(key, r.GetFieldValue<byte[]>(2), r.GetString(0), Ms(r.GetInt64(1)), VersionId(seq)) : null;
        }

        public List<ObjectVersionInfo> Versions(string key, byte[] k, long before, int limit)
        {
            _versions.Parameters[0].Value = k;
            _versions.Parameters[1].Value = before;
            _versions.Parameters[2].Value = limit;
            using var r = _versions.ExecuteReader();
            var list = new List<ObjectVersionInfo>();
            while (r.Read())
            {
                list.Add(new ObjectVersionInfo(key, VersionId(r.GetInt64(0)), r.GetString(1), Ms(r.GetInt64(2)), false, r.GetInt64(3) != 0));
            }

            return list;
        }

        public (List<ObjectInfo> Items, long Examined) List(byte[] lower, bool exclusive, byte[] upper, int limit)
        {
            var cmd = exclusive ? _listAfter : _listFrom;
            cmd.Parameters[0].Value = lower;
            cmd.Parameters[1].Value = upper;
            cmd.Parameters[2].Value = limit;
            using var r = cmd.ExecuteReader();
            var items = new List<ObjectInfo>(Math.Min(limit, 64));
            while (r.Read())
            {
                var key = Encoding.UTF8.GetString(r.GetFieldValue<byte[]>(0));
                items.Add(new ObjectInfo(key, r.GetString(1), r.GetInt64(2), Ms(r.GetInt64(3))));
            }

            // The range search visits exactly the rows it returns (plus one B-tree descent); deleted keys have no rows.
            return (items, items.Count);
        }

        public string ExplainList()
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "EXPLAIN QUERY PLAN " + _listAfter.CommandText;
            foreach (SqliteParameter p in _listAfter.Parameters)
            {
                cmd.Parameters.AddWithValue(p.ParameterName, p.ParameterName == "$n" ? 1 : new byte[] { 0x61 });
            }

            using var r = cmd.ExecuteReader();
            var plan = new StringBuilder();
            while (r.Read())
            {
                plan.AppendLine(r.GetString(3));
            }

            return plan.ToString();
        }

        public void Dispose()
        {
            foreach (var c in new[] { _get, _head, _version, _versions, _listFrom, _listAfter })
            {
                c.Dispose();
            }

            connection.Dispose();
        }
    }
}
