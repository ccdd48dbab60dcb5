using Microsoft.Data.Sqlite;

namespace Buquet.Actors.Storage;

/// <summary>The conditional writes of <see cref="SqliteObjectStore"/>'s writer, each run inside the batch's transaction.</summary>
public sealed partial class SqliteObjectStore
{
    private static readonly byte[] OutOfLine = [];

    /// <summary>
    /// Where a body lives: a versioned key's body in <c>bodies</c> (appended; when the key is written again only the
    /// small key row moves to <c>versions</c>), an unversioned key's body inline in its <c>objects</c> row (overwritten
    /// in place, nothing left when deleted). A row may hold its body the other way (a format-1 database migrated, or a
    /// changed version policy); each write below handles both.
    /// </summary>
    private sealed partial class Writer
    {
        public PutResult Put(byte[] key, byte[] body, string etag, bool createOnly, string? ifMatch)
        {
            var current = Current(key);
            var allowed = createOnly ? current is null : ifMatch is null || (current is not null && ETags.Equal(current.Value.ETag, ifMatch));
            if (!allowed)
            {
                return PutResult.PreconditionFailed;
            }

            var versioned = _store.IsVersioned(key);
            long seq;
            if (current is not null)
            {
                seq = current.Value.Seq + 1;
                if (versioned)
                {
                    Archive(key, current.Value.BodyId);
                }
                else if (current.Value.BodyId is long old)
                {
                    DropBody(old);
                }
            }
            else
            {
                seq = versioned ? MaxArchived(key) + 1 : 1;
            }

            var p = _upsert.Parameters;
            p[0].Value = key;
            p[1].Value = etag;
            p[2].Value = body.Length;
            p[3].Value = _store.Now().ToUnixTimeMilliseconds();
            p[4].Value = seq;
            p[5].Value = versioned ? OutOfLine : body;
            p[6].Value = versioned ? AddBody(body) : DBNull.Value;
            _upsert.ExecuteNonQuery();
            return PutResult.Written(etag, versioned ? VersionId(seq) : null);
        }

        public DeleteStatus Delete(byte[] key, string? ifMatch)
        {
            var current = Current(key);
            if (current is null)
            {
                return ifMatch is null ? DeleteStatus.NotFound : DeleteStatus.PreconditionFailed;
            }

            if (ifMatch is not null && !ETags.Equal(current.Value.ETag, ifMatch))
            {
                return DeleteStatus.PreconditionFailed;
            }

            var versioned = _store.IsVersioned(key);
            if (versioned && _store._options.KeepHistoryOnDelete)
            {
                Archive(key, current.Value.BodyId);
                var p = _marker.Parameters;
                p[0].Value = key;
                p[1].Value = current.Value.Seq + 1;
                p[2].Value = _store.Now().ToUnixTimeMilliseconds();
                _marker.ExecuteNonQuery();
            }
            else
            {
                if (versioned)
                {
                    Run(_forgetBodies, key);
                    Run(_forget, key);
                }

                if (current.Value.BodyId is long old)
                {
                    DropBody(old);
                }
            }

            Run(_delete, key);
            return DeleteStatus.Deleted;
        }

        /// <summary>Copies the key's current row to <c>versions</c>, its body moved out of line first if it was inline.</summary>
        private void Archive(byte[] key, long? bodyId)
        {
            if (bodyId is null)
            {
                _spillBody.Parameters[0].Value = key;
                bodyId = (long)_spillBody.ExecuteScalar()!;
            }

            _archive.Parameters[0].Value = key;
            _archive.Parameters[1].Value = bodyId.Value;
            _archive.ExecuteNonQuery();
        }

        private (string ETag, long Seq, long? BodyId)? Current(byte[] key)
        {
            _current.Parameters[0].Value = key;
            using var r = _current.ExecuteReader();
            return r.Read() ? (r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2)) : null;
        }

        private long AddBody(byte[] body)
        {
            _addBody.Parameters[0].Value = body;
            return (long)_addBody.ExecuteScalar()!;
        }

        private void DropBody(long id)
        {
            _dropBody.Parameters[0].Value = id;
            _dropBody.ExecuteNonQuery();
        }

        private long MaxArchived(byte[] key)
        {
            _maxArchived.Parameters[0].Value = key;
            return _maxArchived.ExecuteScalar() is long max ? max : 0;
        }

        private static void Run(SqliteCommand cmd, byte[] key)
        {
            cmd.Parameters[0].Value = key;
            cmd.ExecuteNonQuery();
        }
    }
}
