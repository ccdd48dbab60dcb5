using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Diagnostics;

/// <summary>
/// Appends execution log lines (<see cref="ExecutionLogEntry"/>) to this process's own file,
/// <c>exec-{worker}-{pid}-{n}.jsonl</c>, in a directory outside the bucket (<c>buquet.worker.execution-log</c>). One
/// file per process, so processes never interleave; each line is one unbuffered <c>write(2)</c> of the whole line, so a
/// SIGKILL can tear at most the line being written and never an earlier one (the reader skips a torn last line). The
/// data is in the OS page cache when a call returns: it survives a process crash, not a machine crash (no fsync).
/// A write error is logged once and never fails the execution. Thread-safe.
/// </summary>
internal sealed class ExecutionLogWriter : IDisposable
{
    /// <summary>Longest line, newline included.</summary>
    public const int MaxLineBytes = 4096;

    private readonly Lock _gate = new();
    private readonly FileStream _file;
    private readonly ILogger _logger;
    private bool _failed;
    private bool _disposed;

    /// <summary>Opens (creates) this process's log file in <paramref name="directory"/> (created when missing).</summary>
    /// <exception cref="ArgumentException">The worker id cannot name a file.</exception>
    /// <exception cref="IOException">The directory cannot be created or written.</exception>
    public ExecutionLogWriter(string directory, string workerId, int pid, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        if (workerId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"Worker id '{workerId}' must be ASCII letters, digits, '-', '_' or '.' to name an execution log file.", nameof(workerId));
        }

        _logger = logger ?? NullLogger.Instance;
        Directory.CreateDirectory(directory);
        WorkerId = workerId;
        Pid = pid;
        for (var n = 0; ; n++)
        {
            var path = Path.Combine(directory, $"exec-{workerId}-{pid}-{n}.jsonl");
            try
            {
                _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
                FilePath = path;
                break;
            }
            catch (IOException) when (File.Exists(path) && n < 1000)
            {
                // An earlier process with the same worker id and pid (pid reuse): take the next number.
            }
        }
    }

    /// <summary>The file this writer appends to.</summary>
    public string FilePath { get; }

    /// <summary>The worker id written on every line.</summary>
    public string WorkerId { get; }

    /// <summary>The pid written on every line.</summary>
    public int Pid { get; }

    /// <summary>Records a handler start; returns the execution id to pass to <see cref="End"/>.</summary>
    public Guid Start(Guid taskId, long attempt, string? taskType, Guid? leaseId, DateTimeOffset storeNow, DateTimeOffset? localNow = null)
    {
        var id = Guid.NewGuid();
        Append(new ExecutionLogEntry(ExecutionEvent.Start, id, taskId, attempt, WorkerId, Pid, storeNow, taskType, null, localNow, leaseId));
        return id;
    }

    /// <summary>Records the end of execution <paramref name="executionId"/>.</summary>
    public void End(Guid executionId, Guid taskId, long attempt, string? taskType, Guid? leaseId, string outcome, DateTimeOffset storeNow, DateTimeOffset? localNow = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        Append(new ExecutionLogEntry(ExecutionEvent.End, executionId, taskId, attempt, WorkerId, Pid, storeNow, taskType, outcome, localNow, leaseId));
    }

    /// <summary>Appends one entry as one line; an I/O error is logged (once) and swallowed.</summary>
    /// <exception cref="ArgumentException">The line would exceed <see cref="MaxLineBytes"/>.</exception>
    public void Append(ExecutionLogEntry entry)
    {
        var line = ExecutionLogFormat.Format(entry);
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        if (bytes.Length > MaxLineBytes)
        {
            throw new ArgumentException($"Execution log line of {bytes.Length} bytes exceeds {MaxLineBytes}: '{line[..80]}…'.", nameof(entry));
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                _file.Write(bytes);
                _file.Flush();
            }
            catch (IOException e)
            {
                if (!_failed)
                {
                    _failed = true;
                    _logger.LogError(e, "Execution log {Path}: write failed; later lines may be missing", FilePath);
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _file.Dispose();
        }
    }
}
