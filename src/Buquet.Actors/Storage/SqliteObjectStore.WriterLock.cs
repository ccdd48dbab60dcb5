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
    /// <remarks>
    /// The file is opened with <c>open(2)</c>, not a <see cref="FileStream"/>: on Unix .NET takes
    /// <c>flock(LOCK_SH | LOCK_NB)</c> while opening a file and throws when another process holds the writer lock at that
    /// instant, so a store opened during another process's transaction would fail.
    /// </remarks>
    private sealed class WriterLock : IDisposable
    {
        private const int ReadWrite = 2;
        private const int LockExclusive = 2;
        private const int Unlock = 8;
        private readonly int _fd = -1;

        public WriterLock(string path)
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            if (!File.Exists(path))
            {
                try
                {
                    using var create = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                }
                catch (IOException) when (File.Exists(path))
                {
                    // Another process created it first and holds the lock; it exists, which is all this needed.
                }
            }

            _fd = open(path, ReadWrite | CloseOnExec());
            if (_fd < 0)
            {
                throw new ObjectStoreConfigurationException($"SQLite store: could not open the writer lock file '{path}' (errno {Marshal.GetLastPInvokeError()}).");
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

        public void Dispose()
        {
            if (_fd >= 0)
            {
                _ = close(_fd);
            }
        }

        /// <summary><c>O_CLOEXEC</c>, so worker processes started by this one do not inherit the lock.</summary>
        private static int CloseOnExec() =>
            OperatingSystem.IsMacOS() ? 0x1000000 : OperatingSystem.IsFreeBSD() ? 0x100000 : 0x80000;

#pragma warning disable SYSLIB1054 // LibraryImport would need AllowUnsafeBlocks for the whole assembly; blittable calls.
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int flock(int fd, int operation);

        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int open(string path, int flags);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int close(int fd);
#pragma warning restore SYSLIB1054
    }
}
