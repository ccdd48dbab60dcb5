using System.Text.Json;

namespace Buquet.Actors.Protocol.Json;

/// <summary>Reads and writes <see cref="TaskRecord"/> exactly as a buquet peer does (protocol §2.1–2.3).</summary>
internal static class TaskJson
{
    private static readonly HashSet<string> Known =
    [
        "id", "shard", "task_type", "input", "output", "input_ref", "output_ref", "timeout_seconds", "max_retries",
        "retry_count", "retry_policy", "status", "created_at", "available_at", "lease_expires_at", "lease_id", "attempt",
        "updated_at", "completed_at", "worker_id", "last_error", "reschedule_count", "max_reschedules",
        "cancel_requested", "cancelled_at", "cancelled_by", "expires_at", "expired_at",
    ];

    /// <summary>Compact UTF-8 JSON in the peer's field order.</summary>
    public static byte[] Serialize(TaskRecord task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var raw = task.Wire.RawTimes ?? new RawTimes();
        var w = new JsonOut().BeginObject();
        w.Name("id").String(TaskKeys.Id(task.Id));
        w.Name("shard").String(task.Shard);
        w.Name("task_type").String(task.TaskType);
        w.Name("input").Element(task.Input);
        w.Name("output").Element(task.Output);
        if (task.InputRef is not null)
        {
            w.Name("input_ref").String(task.InputRef);
        }

        if (task.OutputRef is not null)
        {
            w.Name("output_ref").String(task.OutputRef);
        }

        w.Name("timeout_seconds").Int(NonNegative(task.TimeoutSeconds, "timeout_seconds"));
        w.Name("max_retries").Int(U32(task.MaxRetries, "max_retries"));
        w.Name("retry_count").Int(U32(task.RetryCount, "retry_count"));
        w.Name("retry_policy");
        WriteRetryPolicy(w, task.RetryPolicy);
        w.Name("status").String(TaskStatusNames.ToWire(task.Status));
        w.Name("created_at").String(raw.Format("created_at", task.CreatedAt));
        w.Name("available_at").String(raw.Format("available_at", task.AvailableAt));
        Time(w, raw, "lease_expires_at", task.LeaseExpiresAt, always: true);
        w.Name("lease_id").String(task.LeaseId is { } l ? TaskKeys.Id(l) : null);
        w.Name("attempt").Int(U32(task.Attempt, "attempt"));
        w.Name("updated_at").String(raw.Format("updated_at", task.UpdatedAt));
        Time(w, raw, "completed_at", task.CompletedAt, always: true);
        w.Name("worker_id").String(task.WorkerId);
        w.Name("last_error").String(task.LastError);
        w.Name("reschedule_count").Int(U32(task.RescheduleCount, "reschedule_count"));
        if (task.MaxReschedules is { } mr)
        {
            w.Name("max_reschedules").Int(U32(mr, "max_reschedules"));
        }

        w.Name("cancel_requested").Bool(task.CancelRequested);
        Time(w, raw, "cancelled_at", task.CancelledAt, always: false);
        if (task.CancelledBy is not null)
        {
            w.Name("cancelled_by").String(task.CancelledBy);
        }

        Time(w, raw, "expires_at", task.ExpiresAt, always: false);
        Time(w, raw, "expired_at", task.ExpiredAt, always: false);
        foreach (var (name, value) in task.Wire.Extensions ?? [])
        {
            w.Name(name).Element(value);
        }

        return w.EndObject().ToUtf8();
    }

    /// <summary>Parses a task; throws <see cref="MalformedObjectException"/> naming <paramref name="key"/>.</summary>
    public static TaskRecord Parse(ReadOnlyMemory<byte> utf8, string key)
    {
        var r = JsonIn.Parse(utf8, key);
        var raw = new RawTimes();
        var statusText = r.OptionalString("status");
        var status = BuquetTaskStatus.Pending;
        if (statusText is not null && !TaskStatusNames.TryParse(statusText, out status))
        {
            throw r.Wrong("status", $"one of pending/running/completed/failed/cancelled/archived/expired, was '{statusText}'");
        }

        return new TaskRecord
        {
            Id = r.RequiredGuid("id"),
            Shard = r.RequiredString("shard"),
            TaskType = r.RequiredString("task_type"),
            Input = r.RequiredNullable("input"),
            Output = r.Element("output"),
            InputRef = r.OptionalString("input_ref"),
            OutputRef = r.OptionalString("output_ref"),
            TimeoutSeconds = r.Int("timeout_seconds", TaskDefaults.TimeoutSeconds, TaskDefaults.MaxU64),
            MaxRetries = r.Int("max_retries", TaskDefaults.MaxRetries, TaskDefaults.MaxU32),
            RetryCount = r.Int("retry_count", 0, TaskDefaults.MaxU32),
            RetryPolicy = r.Element("retry_policy") is { } rp ? ReadRetryPolicy(JsonIn.Of(rp, key, "retry_policy")) : RetryPolicy.Default,
            Status = status,
            CreatedAt = r.RequiredTime("created_at", raw),
            AvailableAt = r.RequiredTime("available_at", raw),
            LeaseExpiresAt = r.OptionalTime("lease_expires_at", raw),
            LeaseId = r.OptionalGuid("lease_id"),
            Attempt = r.Int("attempt", 0, TaskDefaults.MaxU32),
            UpdatedAt = r.RequiredTime("updated_at", raw),
            CompletedAt = r.OptionalTime("completed_at", raw),
            WorkerId = r.OptionalString("worker_id"),
            LastError = r.OptionalString("last_error"),
            RescheduleCount = r.Int("reschedule_count", 0, TaskDefaults.MaxU32),
            MaxReschedules = r.OptionalInt("max_reschedules", TaskDefaults.MaxU32),
            CancelRequested = r.Bool("cancel_requested", false),
            CancelledAt = r.OptionalTime("cancelled_at", raw),
            CancelledBy = r.OptionalString("cancelled_by"),
            ExpiresAt = r.OptionalTime("expires_at", raw),
            ExpiredAt = r.OptionalTime("expired_at", raw),
            Wire = new WireExtras(r.Unknown(Known), raw),
        };
    }

    /// <summary>Parses a task, reporting a malformed object as a value.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> utf8, string key, out TaskRecord? task, out MalformedObjectException? error)
    {
        try
        {
            task = Parse(utf8, key);
            error = null;
            return true;
        }
        catch (MalformedObjectException ex)
        {
            task = null;
            error = ex;
            return false;
        }
    }

    internal static void WriteRetryPolicy(JsonOut w, RetryPolicy p)
    {
        w.BeginObject()
            .Name("initial_interval_ms").Int(U32(p.InitialIntervalMs, "retry_policy.initial_interval_ms"))
            .Name("max_interval_ms").Int(U32(p.MaxIntervalMs, "retry_policy.max_interval_ms"))
            .Name("multiplier").Float(p.Multiplier)
            .Name("jitter_percent").Float(p.JitterPercent)
            .EndObject();
    }

    internal static RetryPolicy ReadRetryPolicy(JsonIn r) => new(
        r.RequiredInt("initial_interval_ms", TaskDefaults.MaxU32),
        r.RequiredInt("max_interval_ms", TaskDefaults.MaxU32),
        r.RequiredFloat("multiplier"),
        r.RequiredFloat("jitter_percent"));

    private static void Time(JsonOut w, RawTimes raw, string name, DateTimeOffset? value, bool always)
    {
        if (value is { } v)
        {
            w.Name(name).String(raw.Format(name, v));
        }
        else if (always)
        {
            w.Name(name).Null();
        }
    }

    private static long U32(long value, string field) =>
        value is >= 0 and <= TaskDefaults.MaxU32 ? value : throw new ArgumentOutOfRangeException(field, value, $"Field '{field}' must be 0..{uint.MaxValue} (a peer reads it as u32), was {value}.");

    private static long NonNegative(long value, string field) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(field, value, $"Field '{field}' must not be negative, was {value}.");
}
