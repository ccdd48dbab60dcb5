using System.Text.Json;

namespace Buquet.Actors.Protocol.Transitions;

/// <summary>Everything T1 needs to build a new task.</summary>
internal sealed record SubmitSpec(Guid Id, string Shard, string TaskType, JsonElement? Input)
{
    public string? InputRef { get; init; }

    public long TimeoutSeconds { get; init; } = TaskDefaults.TimeoutSeconds;

    public long MaxRetries { get; init; } = TaskDefaults.MaxRetries;

    public RetryPolicy RetryPolicy { get; init; } = RetryPolicy.Default;

    public long? MaxReschedules { get; init; }

    /// <summary>Absolute store time to become available; wins over <see cref="Delay"/>.</summary>
    public DateTimeOffset? RunAt { get; init; }

    public TimeSpan? Delay { get; init; }

    /// <summary>Time to live from submission; wins over <see cref="ExpiresAt"/>. Zero ⇒ already expired.</summary>
    public TimeSpan? Ttl { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }
}

internal static partial class TaskTransitions
{
    /// <summary>T1 submit: ∅ → pending, <c>created_at = updated_at = now</c>, <c>available_at = run-at, now + delay, or now</c>.</summary>
    public static TaskRecord Submit(SubmitSpec spec, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var available = spec.RunAt ?? (spec.Delay is { } d && d > TimeSpan.Zero ? SafeTime.Add(now, d) : now);
        var expires = spec.Ttl is { } ttl ? SafeTime.Add(now, ttl < TimeSpan.Zero ? TimeSpan.Zero : ttl) : spec.ExpiresAt;
        return new TaskRecord
        {
            Id = spec.Id,
            Shard = spec.Shard,
            TaskType = spec.TaskType,
            Input = spec.InputRef is null ? spec.Input : null,
            InputRef = spec.InputRef,
            TimeoutSeconds = spec.TimeoutSeconds,
            MaxRetries = spec.MaxRetries,
            RetryPolicy = spec.RetryPolicy,
            MaxReschedules = spec.MaxReschedules,
            Status = BuquetTaskStatus.Pending,
            CreatedAt = now,
            AvailableAt = available,
            UpdatedAt = now,
            ExpiresAt = expires,
        };
    }
}
