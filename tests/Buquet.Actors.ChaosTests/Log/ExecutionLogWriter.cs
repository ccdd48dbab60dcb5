using System.Text;
using System.Text.Json;

namespace Buquet.Actors.ChaosTests.Log;

/// <summary>
/// Appends execution log lines to this process's own file, <c>exec-{worker}-{pid}-{n}.jsonl</c>, in a shared
/// directory outside the bucket. One file per process, so many processes never interleave; each line goes out in one
/// write and is flushed to the OS at once, so a SIGKILL loses at most the line being written (readers skip a torn last
/// line). Thread-safe. Holds no clock: the caller passes the store-clock and local times.
/// </summary>
public sealed class ExecutionLogWriter : IDisposable
{
    /// <summary>Longest line, newline included.</summary>
    public const int MaxLineBytes = 4096;

    private readonly Lock _gate = new();
    private readonly FileStream _file;

    /// <summary>Opens (creates) this process's log file in <paramref name="directory"/>.</summary>
    public ExecutionLogWriter(string directory, string workerId, int pid)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        if (workerId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"Worker id '{workerId}' must be ASCII letters, digits, '-', '_' or '.' to name a log file.", nameof(workerId));
        }

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
                // A previous process with the same worker id and pid: take the next number.
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
    public Guid Start(Guid taskId, long attempt, string? taskType, DateTimeOffset storeNow, DateTimeOffset? localNow = null)
    {
        var id = Guid.NewGuid();
        Append(new ExecutionLogEntry(ExecutionEvent.Start, id, taskId, attempt, WorkerId, Pid, storeNow, taskType, null, localNow));
        return id;
    }

    /// <summary>Records the end of execution <paramref name="executionId"/>.</summary>
    public void End(Guid executionId, Guid taskId, long attempt, string? taskType, string outcome, DateTimeOffset storeNow, DateTimeOffset? localNow = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        Append(new ExecutionLogEntry(ExecutionEvent.End, executionId, taskId, attempt, WorkerId, Pid, storeNow, taskType, outcome, localNow));
    }

    /// <summary>Appends one entry as one line.</summary>
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
            _file.Write(bytes);
            _file.Flush();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}

/// <summary>The line format of <see cref="ExecutionLogEntry"/> (see its documentation).</summary>
public static class ExecutionLogFormat
{
    /// <summary>Format version written in <c>v</c>.</summary>
    public const int Version = 1;

    /// <summary>One JSON object, no newline.</summary>
    public static string Format(ExecutionLogEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("v", Version);
            w.WriteString("ev", e.Event == ExecutionEvent.Start ? "start" : "end");
            w.WriteString("exec", e.ExecutionId);
            w.WriteString("task", e.TaskId);
            w.WriteNumber("attempt", e.Attempt);
            w.WriteString("worker", e.WorkerId);
            w.WriteNumber("pid", e.Pid);
            if (e.TaskType is not null)
            {
                w.WriteString("type", e.TaskType);
            }

            w.WriteString("at", Rfc3339(e.At));
            if (e.LocalAt is { } local)
            {
                w.WriteString("local", Rfc3339(local));
            }

            if (e.Outcome is not null)
            {
                w.WriteString("outcome", e.Outcome);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Parses one line; throws <see cref="FormatException"/> naming the problem.</summary>
    public static ExecutionLogEntry Parse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            var ev = r.GetProperty("ev").GetString() switch
            {
                "start" => ExecutionEvent.Start,
                "end" => ExecutionEvent.End,
                var other => throw new FormatException($"unknown ev '{other}'"),
            };
            return new ExecutionLogEntry(
                ev,
                r.GetProperty("exec").GetGuid(),
                r.GetProperty("task").GetGuid(),
                r.GetProperty("attempt").GetInt64(),
                r.GetProperty("worker").GetString() ?? throw new FormatException("worker is null"),
                r.GetProperty("pid").GetInt32(),
                r.GetProperty("at").GetDateTimeOffset(),
                r.TryGetProperty("type", out var t) ? t.GetString() : null,
                r.TryGetProperty("outcome", out var o) ? o.GetString() : null,
                r.TryGetProperty("local", out var l) ? l.GetDateTimeOffset() : null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"Bad execution log line ({e.Message}): '{(line.Length > 120 ? line[..120] + "…" : line)}'.", e);
        }
    }

    private static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
