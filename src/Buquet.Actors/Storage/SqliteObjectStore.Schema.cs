using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Buquet.Actors.Storage;

/// <summary>Database file, schema and connection settings of <see cref="SqliteObjectStore"/>.</summary>
public sealed partial class SqliteObjectStore
{
    /// <summary>The schema version kept in <c>PRAGMA user_version</c>.</summary>
    internal const int FormatVersion = 1;

    // objects: the current object of every live key; nothing else. A deleted key's row is gone, so LIST never skips rows.
    // versions: earlier versions and delete markers of versioned keys; LIST never reads it.
    // Both are WITHOUT ROWID tables clustered on the UTF-8 key (BLOB: memcmp order = S3's byte order); the body is the
    // last column, so reading (key, etag, size, modified) for a LIST does not touch a large body's overflow pages.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS objects (
            key BLOB NOT NULL PRIMARY KEY,
            etag TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            body BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS versions (
            key BLOB NOT NULL,
            seq INTEGER NOT NULL,
            etag TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            body BLOB,
            PRIMARY KEY (key, seq)
        ) WITHOUT ROWID;
        """;

    /// <summary>Creates or checks the database and returns the writer's connection.</summary>
    private SqliteConnection OpenDatabase()
    {
        var exists = File.Exists(DatabasePath);
        if (!exists && Directory.Exists(Path.Combine(RootDirectory, "objects")))
        {
            throw new ObjectStoreConfigurationException(
                $"'{RootDirectory}' holds a local store in the old directory layout (an 'objects' directory, no {SqliteStoreOptions.DatabaseFileName}). " +
                "This version keeps the local store in one SQLite file and does not read that layout; nothing was changed. " +
                "Finish or drain its tasks with the previous buquet version, then point buquet.store.local.path (--local-path) at a new directory, or move the old one away.");
        }

        if (!exists && !_options.CreateIfMissing)
        {
            throw new ObjectStoreConfigurationException(
                $"No local store at '{RootDirectory}' ({SqliteStoreOptions.DatabaseFileName} does not exist); nothing was created. Check buquet.store.local.path (--local-path).");
        }

        Directory.CreateDirectory(RootDirectory);
        var connection = OpenConnection();
        try
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new ObjectStoreConfigurationException($"SQLite store '{DatabasePath}': WAL mode could not be enabled (journal_mode is '{mode}').");
            }

            cmd.CommandText = "BEGIN IMMEDIATE; " + Schema + " COMMIT;";
            cmd.ExecuteNonQuery();
            cmd.CommandText = "PRAGMA user_version;";
            var version = Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (version > FormatVersion)
            {
                throw new ObjectStoreConfigurationException(
                    $"SQLite store '{DatabasePath}' has format {version}; this version of buquet reads format {FormatVersion}. Upgrade buquet.");
            }

            if (version < FormatVersion)
            {
                cmd.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {FormatVersion};");
                cmd.ExecuteNonQuery();
            }

            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new ObjectStoreConfigurationException($"SQLite store '{DatabasePath}' could not be opened: {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A new connection with this store's per-connection settings (busy timeout, synchronous).</summary>
    private SqliteConnection OpenConnection()
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds)),
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            var synchronous = _options.Durability == SqliteDurability.Full ? "FULL" : "NORMAL";
            cmd.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = {synchronous};");
            cmd.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new ObjectStoreConfigurationException($"SQLite store '{DatabasePath}' could not be opened: {e.Message}", e);
        }
    }

    /// <summary>A prepared command on <paramref name="connection"/> with the named parameters (all bound per call).</summary>
    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters)
        {
            cmd.Parameters.Add(new SqliteParameter(p, null));
        }

        return cmd;
    }
}
