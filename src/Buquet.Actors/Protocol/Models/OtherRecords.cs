using System.Text.Json;

namespace Buquet.Actors.Protocol;

/// <summary>
/// <c>workers/{worker_id}.json</c> (protocol §2.4). Healthy iff <c>now − last_heartbeat &lt; threshold</c>.
/// <see cref="TaskTypes"/> (<c>task_types</c>) is a .NET extension: the task types the worker handles, written by
/// .NET workers only (peers ignore it; only the worker itself ever writes its entry); null when absent.
/// <see cref="Cluster"/> (<c>cluster</c>) is another: the worker's clustered-fleet state (<c>isolated</c>,
/// <c>clustered (3)</c>; ADR 0026), absent when the cluster is off; <see cref="Pickups"/> (<c>pickups</c>) goes with it:
/// this process's claims counted by the path that woke them.
/// </summary>
internal sealed record WorkerInfo(
    string WorkerId,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeat,
    IReadOnlyList<string> Shards,
    Guid? CurrentTask,
    long TasksCompleted,
    long TasksFailed,
    IReadOnlyList<string>? TaskTypes = null,
    IReadOnlyList<Guid>? CurrentTasks = null,
    string? Cluster = null,
    WorkerPickups? Pickups = null)
{
    /// <summary>Peers use 60 s everywhere.</summary>
    public static readonly TimeSpan DefaultHealthThreshold = TimeSpan.FromSeconds(60);

    public bool IsHealthyAt(DateTimeOffset now, TimeSpan threshold) => now - LastHeartbeat < threshold;
}

/// <summary>
/// The <c>pickups</c> extension of a worker entry (ADR 0027): claims this process won since it started, by the path that
/// woke the claim: a cluster message (<c>push</c>), the S3 wake-up hint (<c>hint</c>) or the regular cadence (<c>poll</c>).
/// </summary>
internal sealed record WorkerPickups(long Push, long Hint, long Poll)
{
    /// <summary>All three together.</summary>
    public long Total => Push + Hint + Poll;

    /// <summary>Short text for <c>buquet workers</c> and the dashboard: <c>push 3, hint 1, poll 7</c>.</summary>
    public override string ToString() => $"push {Push}, hint {Hint}, poll {Poll}";
}

/// <summary><c>shard-leases/{shard}.json</c> (protocol §2.5). Expired iff <c>lease_expires_at &lt;= now</c>.</summary>
internal sealed record ShardLease(string Shard, string WorkerId, DateTimeOffset LeaseExpiresAt, DateTimeOffset UpdatedAt)
{
    public bool IsExpiredAt(DateTimeOffset now) => LeaseExpiresAt <= now;
}

/// <summary><c>idempotency/{scope}/{hex}.json</c> (protocol §2.6). Expired iff <c>now &gt; expires_at</c>.</summary>
internal sealed record IdempotencyRecord(
    string Key,
    string KeyHash,
    Guid TaskId,
    string TaskKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string TaskType,
    string InputHash)
{
    public bool IsExpiredAt(DateTimeOffset now) => now > ExpiresAt;
}

/// <summary><c>schedules/{id}.json</c> (protocol §2.8).</summary>
internal sealed record Schedule(
    string Id,
    string TaskType,
    JsonElement? Input,
    string Cron,
    bool Enabled,
    long? TimeoutSeconds,
    long? MaxRetries,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary><c>schedules/{id}/last_run.json</c> (protocol §2.9).</summary>
internal sealed record ScheduleLastRun(string ScheduleId, DateTimeOffset LastRunAt, Guid LastTaskId, DateTimeOffset NextRunAt);
