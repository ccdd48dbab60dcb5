using System.Text.Json;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Protocol;

/// <summary>
/// A task exactly as stored at <c>tasks/{shard}/{id}.json</c> (protocol §2.2). Immutable; transitions produce new
/// records. Field order, always-written nulls and skip-when-empty fields follow the buquet peer.
/// </summary>
public sealed record TaskRecord
{
    /// <summary>Task id (UUID v4, written lowercase hyphenated).</summary>
    public required Guid Id { get; init; }

    /// <summary>Shard: first N hex characters of the hyphen-free id.</summary>
    public required string Shard { get; init; }

    /// <summary>Handler routing key.</summary>
    public required string TaskType { get; init; }

    /// <summary>Input JSON; <c>null</c> for JSON null or when offloaded to <see cref="InputRef"/>.</summary>
    public JsonElement? Input { get; init; }

    /// <summary>Output JSON; <c>null</c> when none or offloaded to <see cref="OutputRef"/>.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>Key of the offloaded input, e.g. <c>payloads/{id}/input.json</c>.</summary>
    public string? InputRef { get; init; }

    /// <summary>Key of the offloaded output.</summary>
    public string? OutputRef { get; init; }

    /// <summary>Lease length granted on claim, in seconds.</summary>
    /// <value>The default is 300.</value>
    public long TimeoutSeconds { get; init; } = TaskDefaults.TimeoutSeconds;

    /// <summary>Retries allowed after the first failure.</summary>
    /// <value>The default is 3.</value>
    public long MaxRetries { get; init; } = TaskDefaults.MaxRetries;

    /// <summary>Retries consumed so far (retry and timeout recovery increment it; replay resets it).</summary>
    public long RetryCount { get; init; }

    /// <summary>Backoff policy (§3.9).</summary>
    public RetryPolicy RetryPolicy { get; init; } = RetryPolicy.Default;

    /// <summary>Lifecycle status.</summary>
    public BuquetTaskStatus Status { get; init; } = BuquetTaskStatus.Pending;

    /// <summary>Store time of submission.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Not claimable before this store time.</summary>
    public required DateTimeOffset AvailableAt { get; init; }

    /// <summary>Lease deadline while running.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Fencing token of the current claim.</summary>
    public Guid? LeaseId { get; init; }

    /// <summary>Successful claims so far; never decreases.</summary>
    public long Attempt { get; init; }

    /// <summary>Store time of the last transition.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the task completed or failed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Id of the claiming worker.</summary>
    public string? WorkerId { get; init; }

    /// <summary>Last failure text or cancel reason.</summary>
    public string? LastError { get; init; }

    /// <summary>Reschedules so far.</summary>
    public long RescheduleCount { get; init; }

    /// <summary>Reschedule limit; <c>null</c> is unlimited.</summary>
    public long? MaxReschedules { get; init; }

    /// <summary>Cooperative cancellation requested for a running task.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>When the task was cancelled.</summary>
    public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>Who cancelled it, e.g. <c>user:alice</c>.</summary>
    public string? CancelledBy { get; init; }

    /// <summary>TTL deadline for a pending task; <c>null</c> is never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the task was marked expired.</summary>
    public DateTimeOffset? ExpiredAt { get; init; }

    /// <summary>Wire details kept for byte-exact re-writes (unknown members, original timestamp texts); ignored by equality.</summary>
    internal WireExtras Wire { get; init; }

    /// <summary>True for completed, failed, cancelled, expired and archived.</summary>
    public bool IsTerminal => Status is not (BuquetTaskStatus.Pending or BuquetTaskStatus.Running);

    /// <summary>Claimable at <paramref name="now"/> (store time): <c>now &gt;= available_at</c>.</summary>
    public bool IsAvailableAt(DateTimeOffset now) => now >= AvailableAt;

    /// <summary>Lease expired at <paramref name="now"/>: <c>now &gt; lease_expires_at</c>; no lease is not expired.</summary>
    public bool IsLeaseExpiredAt(DateTimeOffset now) => LeaseExpiresAt is { } l && now > l;

    /// <summary>TTL passed at <paramref name="now"/>: <c>now &gt;= expires_at</c>; none never expires.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } e && now >= e;

    /// <summary>A retry is left: <c>retry_count &lt; max_retries</c>.</summary>
    public bool CanRetry => RetryCount < MaxRetries;

    /// <summary>The object key of this task.</summary>
    public string Key => TaskKeys.Task(Shard, Id);
}

/// <summary>
/// What a read keeps so that a re-write is what the peer wrote: members this version does not know (written back after
/// the known ones) and the original timestamp texts. Always equal to any other instance, so two tasks with the same
/// fields compare equal however they were read.
/// </summary>
internal readonly struct WireExtras(IReadOnlyList<KeyValuePair<string, JsonElement>>? extensions, RawTimes? rawTimes) : IEquatable<WireExtras>
{
    public IReadOnlyList<KeyValuePair<string, JsonElement>>? Extensions { get; } = extensions;

    public RawTimes? RawTimes { get; } = rawTimes;

    public bool Equals(WireExtras other) => true;

    public override bool Equals(object? obj) => obj is WireExtras;

    public override int GetHashCode() => 0;

    public static bool operator ==(WireExtras left, WireExtras right) => true;

    public static bool operator !=(WireExtras left, WireExtras right) => false;
}

/// <summary>Task lifecycle status, written as snake_case strings.</summary>
public enum BuquetTaskStatus
{
    /// <summary>Waiting to be claimed (possibly not yet available).</summary>
    Pending,

    /// <summary>Claimed by a worker under a lease.</summary>
    Running,

    /// <summary>Finished successfully.</summary>
    Completed,

    /// <summary>Finished unsuccessfully.</summary>
    Failed,

    /// <summary>Cancelled while pending.</summary>
    Cancelled,

    /// <summary>Archived by an operator.</summary>
    Archived,

    /// <summary>TTL passed while pending.</summary>
    Expired,
}

/// <summary>Task defaults shared with buquet peers.</summary>
internal static class TaskDefaults
{
    public const long TimeoutSeconds = 300;
    public const long MaxRetries = 3;
    public const long MaxU32 = uint.MaxValue;
    public const long MaxU64 = long.MaxValue;
}

/// <summary>Wire names of <see cref="BuquetTaskStatus"/>.</summary>
internal static class TaskStatusNames
{
    public static string ToWire(BuquetTaskStatus status) => status switch
    {
        BuquetTaskStatus.Pending => "pending",
        BuquetTaskStatus.Running => "running",
        BuquetTaskStatus.Completed => "completed",
        BuquetTaskStatus.Failed => "failed",
        BuquetTaskStatus.Cancelled => "cancelled",
        BuquetTaskStatus.Archived => "archived",
        BuquetTaskStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown task status."),
    };

    public static bool TryParse(string? text, out BuquetTaskStatus status)
    {
        status = text switch
        {
            "pending" => BuquetTaskStatus.Pending,
            "running" => BuquetTaskStatus.Running,
            "completed" => BuquetTaskStatus.Completed,
            "failed" => BuquetTaskStatus.Failed,
            "cancelled" => BuquetTaskStatus.Cancelled,
            "archived" => BuquetTaskStatus.Archived,
            "expired" => BuquetTaskStatus.Expired,
            _ => (BuquetTaskStatus)(-1),
        };
        return (int)status >= 0;
    }
}
