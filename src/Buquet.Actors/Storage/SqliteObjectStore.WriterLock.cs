using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Buquet.Actors.Storage;

/// <summary>The cross-process writer queue of <see cref="SqliteObjectStore"/>.</summary>
public sealed partial class SqliteObjectStore
{
    /// <summary>
    /// An exclusive <c>flock(2)</c> on <c>buquet.db.writer</c>, taken (blocking) by a process's writer thread around each
    /// transaction. SQLite's own lock is polled: a writer that finds it taken sleeps 1, 2, 5 … 100 ms, so two processes
    /// writing at once halved throughput and left writes waiting up to 1.5 s (the store contention benchmark). A blocking
    /// flock wakes the next writer as soon as the holder unlocks, and the OS releases it when a holder dies. SQLite's busy
    /// timeout still guards the database lock against other SQLite clients. Unix only; on Windows SQLite's lock alone serialises.
    /// </summary>
    private sealed class WriterLock : IDisposable
    {
        private const int LockExclusive = 2;
        private const int Unlock = 8;
        private readonly FileStream? _file;
        private readonly int _fd = -1;

        public WriterLock(string path, TimeSpan patience)
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            _file = Open(path, patience);
            _fd = (int)_file.SafeFileHandle.DangerousGetHandle();

            // .NET takes a shared advisory lock on open; drop it, or every process's exclusive lock would wait for the others.
            _ = flock(_fd, Unlock);
        }

        /// <summary>
        /// Opens the lock file. On Unix .NET takes <c>flock(LOCK_SH | LOCK_NB)</c> while opening a file and throws when
        /// another process holds the exclusive writer lock at that instant (one transaction, milliseconds), so a store
        /// opened while another process writes retries until the lock is free, for at most <paramref name="patience"/>
        /// (the busy timeout; real time, as SQLite's own busy wait: a guard, never a task-state decision).
        /// </summary>
        private static FileStream Open(string path, TimeSpan patience)
        {
            var waited = Stopwatch.StartNew();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                }
                catch (IOException) when (waited.Elapsed < patience && File.Exists(path))
                {
                    Thread.Sleep(Math.Min(attempt, 10));
                }
            }
        }

        /// <summary>Blocks until this process holds the writer lock.</summary>
        public void Enter()
        {
            if (_fd < 0)
            {
                return;
            }

            while (flock(_fd, LockExclusive) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != 4)
                {
                    throw new ObjectStoreUnavailableException($"SQLite store: could not lock the writer lock file (errno {errno}).");
                }
            }
        }

        public void Exit()
        {
            if (_fd >= 0)
            {
                _ = flock(_fd, Unlock);
            }
        }

        public void Dispose() => _file?.Dispose();

#pragma warning disable SYSLIB1054 // LibraryImport would need AllowUnsafeBlocks for the whole assembly; one blittable call.
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int flock(int fd, int operation);
#pragma warning restore SYSLIB1054
    }
}
