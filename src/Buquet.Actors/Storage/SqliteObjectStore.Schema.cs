using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Buquet.Actors.Storage;

/// <summary>Database file, schema and connection settings of <see cref="SqliteObjectStore"/>.</summary>
public sealed partial class SqliteObjectStore
{
    /// <summary>The schema version kept in <c>PRAGMA user_version</c>.</summary>
    internal const int FormatVersion = 2;

    // objects: the current object of every live key; nothing else. A deleted key's row is gone, so LIST never skips rows.
    // versions: earlier versions and delete markers of versioned keys; LIST never reads it.
    // bodies: the bodies of versioned keys (task objects), a rowid table: a new body is appended at the end of the tree.
    // objects and versions are WITHOUT ROWID tables clustered on the UTF-8 key (BLOB: memcmp order = S3's byte order).
    // An index B-tree keeps whole rows in its interior pages, so rows must stay small: with task bodies inline (format
    // 1) a page held 4 rows and a million tasks made a tree 9 levels deep; out of line (body_id, body = x'') a page
    // holds about 35 and the tree stays 3 levels deep. Unversioned keys (ready/lease index keys, clock, heartbeats) are
    // few and short-lived, so their bodies stay inline (body_id NULL): one statement fewer per write and per delete.
    private const string Schema = """
        CREATE TABLE objects (
            key BLOB NOT NULL PRIMARY KEY,
            etag TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            body BLOB NOT NULL,
            body_id INTEGER
        ) WITHOUT ROWID;
        CREATE TABLE versions (
            key BLOB NOT NULL,
            seq INTEGER NOT NULL,
            etag TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            body_id INTEGER,
            PRIMARY KEY (key, seq)
        ) WITHOUT ROWID;
        CREATE TABLE bodies (
            id INTEGER PRIMARY KEY,
            body BLOB NOT NULL
        );
        """;

    // Format 1 (bodies inline in objects and versions) to format 2, in one transaction: every body moves to `bodies`
    // (current bodies first, then archived ones in key order), the key tables keep their rows with the id instead. An
    // unversioned key's body moves back inline at its next write.
    private const string MigrateFrom1 = """
        ALTER TABLE objects RENAME TO objects_v1;
        ALTER TABLE versions RENAME TO versions_v1;
        """ + Schema + """
        INSERT INTO bodies (id, body) SELECT row_number() OVER (ORDER BY key), body FROM objects_v1;
        INSERT INTO objects (key, etag, size, modified, seq, body, body_id)
            SELECT key, etag, size, modified, seq, x'', row_number() OVER (ORDER BY key) FROM objects_v1;
        INSERT INTO bodies (id, body) SELECT id, body FROM (
            SELECT (SELECT count(*) FROM objects_v1) + row_number() OVER (ORDER BY key, seq) AS id, body FROM versions_v1) WHERE body IS NOT NULL;
        INSERT INTO versions (key, seq, etag, size, modified, deleted, body_id)
            SELECT key, seq, etag, size, modified, deleted,
                   CASE WHEN body IS NULL THEN NULL ELSE (SELECT count(*) FROM objects_v1) + row_number() OVER (ORDER BY key, seq) END
            FROM versions_v1;
        DROP TABLE objects_v1;
        DROP TABLE versions_v1;
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
                "Finish or drain its tasks with the previous buquet version, then point buquet.store.local.path (--local-path) at a new directory, or move the old one away.",
                StoreConfigurationProblem.OldLocalLayout);
        }

        if (!exists && !_options.CreateIfMissing)
        {
            throw new ObjectStoreConfigurationException(
                $"No local store at '{RootDirectory}' ({SqliteStoreOptions.DatabaseFileName} does not exist); nothing was created. Check buquet.store.local.path (--local-path).",
                StoreConfigurationProblem.LocalStoreMissing);
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

            CreateOrMigrate(cmd);
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

    /// <summary>
    /// Creates the schema in an empty database, migrates a format-1 database (bodies inline) to this format in one
    /// transaction, and refuses a newer format. <c>BEGIN IMMEDIATE</c> makes the check and the change one step against
    /// other processes opening the same file.
    /// </summary>
    private void CreateOrMigrate(SqliteCommand cmd)
    {
        cmd.CommandText = "BEGIN IMMEDIATE;";
        cmd.ExecuteNonQuery();
        try
        {
            cmd.CommandText = "PRAGMA user_version;";
            var version = Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            cmd.CommandText = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'objects';";
            var hasTables = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
            if (version > FormatVersion)
            {
                throw new ObjectStoreConfigurationException(
                    $"SQLite store '{DatabasePath}' has format {version}; this version of buquet reads format {FormatVersion}. Upgrade buquet.");
            }

            // Format 1 wrote its tables before setting user_version, so tables with version 0 are format 1 too.
            if (version < FormatVersion)
            {
                cmd.CommandText = (hasTables ? MigrateFrom1 : Schema) +
                    string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {FormatVersion};");
                cmd.ExecuteNonQuery();
            }

            cmd.CommandText = "COMMIT;";
            cmd.ExecuteNonQuery();
        }
        catch
        {
            if (cmd.Connection is { } connection && !connection.State.HasFlag(System.Data.ConnectionState.Closed))
            {
                try
                {
                    cmd.CommandText = "ROLLBACK;";
                    cmd.ExecuteNonQuery();
                }
                catch (SqliteException)
                {
                    // SQLite already rolled the transaction back after the error; the original exception is the one to report.
                }
            }

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
