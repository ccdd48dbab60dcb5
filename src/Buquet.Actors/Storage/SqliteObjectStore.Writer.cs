using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Buquet.Actors.Storage;

/// <summary>The single writer of a <see cref="SqliteObjectStore"/>: group commit on a dedicated thread.</summary>
public sealed partial class SqliteObjectStore
{
    private readonly Writer _writer;

    /// <summary>
    /// Takes every write that is waiting (up to <see cref="SqliteStoreOptions.MaxBatch"/>), runs them one after another
    /// inside one <c>BEGIN IMMEDIATE</c> transaction, commits once (one WAL fsync under synchronous = FULL), and only then
    /// reports each write's own outcome. Writes are applied in arrival order, so a later write in a batch sees the earlier
    /// ones, exactly as if each had been its own transaction. <c>BEGIN IMMEDIATE</c> takes the database's write lock,
    /// which serialises this writer against the writers of other processes (waiting up to the busy timeout).
    /// </summary>
    private sealed partial class Writer : IDisposable
    {
        private readonly SqliteObjectStore _store;
        private readonly SqliteConnection _connection;
        private readonly BlockingCollection<Op> _queue = new();
        private readonly Thread _thread;
        private readonly WriterLock _lock;
        private readonly SqliteCommand _begin, _commit, _rollback, _current, _maxArchived, _archive, _marker, _upsert, _delete, _forget;
        private readonly SqliteCommand _addBody, _spillBody, _dropBody, _forgetBodies;

        public Writer(SqliteObjectStore store, SqliteConnection connection)
        {
            _store = store;
            _connection = connection;
            _lock = new WriterLock(store.DatabasePath + ".writer");
            _begin = Prepare(connection, "BEGIN IMMEDIATE");
            _commit = Prepare(connection, "COMMIT");
            _rollback = Prepare(connection, "ROLLBACK");
            _current = Prepare(connection, "SELECT etag, seq, body_id FROM objects WHERE key = $k", "$k");
            _maxArchived = Prepare(connection, "SELECT max(seq) FROM versions WHERE key = $k", "$k");
            _archive = Prepare(connection,
                "INSERT INTO versions (key, seq, etag, size, modified, deleted, body_id) SELECT key, seq, etag, size, modified, 0, $b FROM objects WHERE key = $k",
                "$k", "$b");
            _marker = Prepare(connection, "INSERT INTO versions (key, seq, etag, size, modified, deleted, body_id) VALUES ($k, $s, '', 0, $m, 1, NULL)", "$k", "$s", "$m");
            _upsert = Prepare(connection,
                "INSERT INTO objects (key, etag, size, modified, seq, body, body_id) VALUES ($k, $e, $z, $m, $s, $b, $i) " +
                "ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, size = excluded.size, modified = excluded.modified, seq = excluded.seq, " +
                "body = excluded.body, body_id = excluded.body_id",
                "$k", "$e", "$z", "$m", "$s", "$b", "$i");
            _delete = Prepare(connection, "DELETE FROM objects WHERE key = $k", "$k");
            _forget = Prepare(connection, "DELETE FROM versions WHERE key = $k", "$k");
            _addBody = Prepare(connection, "INSERT INTO bodies (body) VALUES ($b) RETURNING id", "$b");
            _spillBody = Prepare(connection, "INSERT INTO bodies (body) SELECT body FROM objects WHERE key = $k RETURNING id", "$k");
            _dropBody = Prepare(connection, "DELETE FROM bodies WHERE id = $i", "$i");
            _forgetBodies = Prepare(connection, "DELETE FROM bodies WHERE id IN (SELECT body_id FROM versions WHERE key = $k AND body_id IS NOT NULL)", "$k");
            _thread = new Thread(Run) { IsBackground = true, Name = "buquet-sqlite-writer" };
            _thread.Start();
        }

        public Task<T> Enqueue<T>(Func<Writer, T> apply)
        {
            var op = new Op<T>(apply);
            try
            {
                _queue.Add(op);
            }
            catch (InvalidOperationException)
            {
                throw new ObjectDisposedException(nameof(SqliteObjectStore));
            }

            return op.Task;
        }

        public void Dispose()
        {
            _queue.CompleteAdding();
            _thread.Join();
            foreach (var c in new[] { _begin, _commit, _rollback, _current, _maxArchived, _archive, _marker, _upsert, _delete, _forget, _addBody, _spillBody, _dropBody, _forgetBodies })
            {
                c.Dispose();
            }

            _connection.Dispose();
            _lock.Dispose();
            _queue.Dispose();
        }

        private void Run()
        {
            var batch = new List<Op>(_store._options.MaxBatch);
            foreach (var first in _queue.GetConsumingEnumerable())
            {
                batch.Add(first);
                while (batch.Count < _store._options.MaxBatch && _queue.TryTake(out var more))
                {
                    batch.Add(more);
                }

                Commit(batch);
                batch.Clear();
            }
        }

        /// <summary>Applies <paramref name="batch"/> in one transaction under the writer lock; reports outcomes only after the commit.</summary>
        private void Commit(List<Op> batch)
        {
            try
            {
                _lock.Enter();
            }
            catch (ObjectStoreUnavailableException e)
            {
                FailAll(batch, e);
                return;
            }

            try
            {
                CommitLocked(batch);
            }
            finally
            {
                _lock.Exit();
            }
        }

        private void CommitLocked(List<Op> batch)
        {
            try
            {
                _begin.ExecuteNonQuery();
            }
            catch (SqliteException e)
            {
                FailAll(batch, Unavailable("taking the write lock (another process may hold it)", e));
                return;
            }

            try
            {
                foreach (var op in batch)
                {
                    op.Apply(this);
                }

                _commit.ExecuteNonQuery();
            }
            catch (Exception e)
            {
                TryRollback();
                FailAll(batch, e is SqliteException s ? Unavailable("a write", s) : e);
                return;
            }

            foreach (var op in batch)
            {
                op.Complete();
            }
        }

        private void TryRollback()
        {
            try
            {
                if (!_connection.State.HasFlag(System.Data.ConnectionState.Closed))
                {
                    _rollback.ExecuteNonQuery();
                }
            }
            catch (SqliteException)
            {
                // No transaction left to roll back (SQLite already rolled it back after the error).
            }
        }

        private static void FailAll(List<Op> batch, Exception e)
        {
            foreach (var op in batch)
            {
                op.Fail(e);
            }
        }
    }

    private abstract class Op
    {
        public abstract void Apply(Writer writer);

        public abstract void Complete();

        public abstract void Fail(Exception e);
    }

    private sealed class Op<T>(Func<Writer, T> apply) : Op
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;

        public override void Apply(Writer writer) => _result = apply(writer);

        public override void Complete() => _done.TrySetResult(_result!);

        public override void Fail(Exception e) => _done.TrySetException(e);
    }
}
