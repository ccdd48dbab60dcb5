using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Buquet.Actors.Diagnostics;

/// <summary>The line format of <see cref="ExecutionLogEntry"/> (see its documentation).</summary>
internal static class ExecutionLogFormat
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
            if (e.LeaseId is { } lease)
            {
                w.WriteString("lease", lease);
            }

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
        ArgumentNullException.ThrowIfNull(line);
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
                r.TryGetProperty("local", out var l) ? l.GetDateTimeOffset() : null,
                r.TryGetProperty("lease", out var lease) ? lease.GetGuid() : null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"Bad execution log line ({e.Message}): '{(line.Length > 120 ? line[..120] + "…" : line)}'.", e);
        }
    }

    private static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
