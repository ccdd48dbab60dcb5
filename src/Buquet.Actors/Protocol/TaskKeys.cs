namespace Buquet.Actors.Protocol;

/// <summary>Every object key of the bucket layout (protocol §1.1). Keys never start with a slash.</summary>
internal static class TaskKeys
{
    public const string TasksRoot = "tasks/";
    public const string ReadyRoot = "ready/";
    public const string LeasesRoot = "leases/";
    public const string WorkersRoot = "workers/";
    public const string ShardLeasesRoot = "shard-leases/";
    public const string IdempotencyRoot = "idempotency/";
    public const string PayloadsRoot = "payloads/";
    public const string SchedulesRoot = "schedules/";
    public const string SchemasRoot = "schemas/";
    public const string ClockNow = "clock/now";
    public const string LastRunSuffix = "/last_run.json";

    public static string Task(string shard, Guid id) => $"tasks/{shard}/{Id(id)}.json";

    public static string TaskPrefix(string shard) => $"tasks/{shard}/";

    public static string Ready(string shard, DateTimeOffset availableAt, Guid id) => $"ready/{shard}/{TimeBuckets.For(availableAt)}/{Id(id)}";

    public static string ReadyPrefix(string shard) => $"ready/{shard}/";

    public static string ReadyBucketPrefix(string shard, long bucket) => $"ready/{shard}/{TimeBuckets.Format(bucket)}/";

    public static string Lease(string shard, DateTimeOffset leaseExpiresAt, Guid id) => $"leases/{shard}/{TimeBuckets.For(leaseExpiresAt)}/{Id(id)}";

    public static string LeasePrefix(string shard) => $"leases/{shard}/";

    public static string LeaseBucketPrefix(string shard, long bucket) => $"leases/{shard}/{TimeBuckets.Format(bucket)}/";

    public static string Worker(string workerId) => $"workers/{KeyComponents.ValidateWorkerId(workerId)}.json";

    /// <summary>
    /// True for a worker entry key <c>workers/{id}.json</c> (<see cref="Worker"/>); nested keys, other extensions and a
    /// peer's future files under <c>workers/</c> are not entries.
    /// </summary>
    public static bool TryParseWorkerKey(string key, out string workerId)
    {
        workerId = string.Empty;
        if (!key.StartsWith(WorkersRoot, StringComparison.Ordinal) || !key.EndsWith(".json", StringComparison.Ordinal))
        {
            return false;
        }

        var name = key[WorkersRoot.Length..^".json".Length];
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        workerId = name;
        return true;
    }

    public static string ShardLease(string shard) => $"shard-leases/{shard}.json";

    /// <summary>The idempotency record key: <c>idempotency/{scope}/{sha256hex}.json</c>.</summary>
    public static string Idempotency(string scope, string keyHashHex) => $"idempotency/{KeyComponents.ValidateScope(scope)}/{keyHashHex}.json";

    public static string PayloadInput(Guid id) => $"payloads/{Id(id)}/input.json";

    public static string PayloadOutput(Guid id) => $"payloads/{Id(id)}/output.json";

    public static string Schedule(string scheduleId) => $"schedules/{KeyComponents.ValidateScheduleId(scheduleId)}.json";

    public static string ScheduleLastRun(string scheduleId) => $"schedules/{KeyComponents.ValidateScheduleId(scheduleId)}/last_run.json";

    public static string Schema(string taskType) => $"schemas/{KeyComponents.ValidateTaskType(taskType)}.json";

    /// <summary>Lowercase hyphenated form of a task id.</summary>
    public static string Id(Guid id) => id.ToString("D");

    /// <summary>Parses <c>ready/{shard}/{bucket}/{id}</c> or <c>leases/{shard}/{bucket}/{id}</c>.</summary>
    public static bool TryParseIndexKey(string key, out IndexKey parsed)
    {
        parsed = default;
        var parts = key.Split('/');
        if (parts.Length != 4 || (parts[0] != "ready" && parts[0] != "leases") || parts[1].Length == 0
            || !TimeBuckets.TryParse(parts[2], out var bucket) || !Guid.TryParse(parts[3], out var id))
        {
            return false;
        }

        parsed = new IndexKey(parts[0] == "ready" ? IndexKind.Ready : IndexKind.Lease, parts[1], bucket, id);
        return true;
    }

    /// <summary>Parses <c>tasks/{shard}/{id}.json</c>.</summary>
    public static bool TryParseTaskKey(string key, out string shard, out Guid id)
    {
        shard = "";
        id = default;
        var parts = key.Split('/');
        if (parts.Length != 3 || parts[0] != "tasks" || !parts[2].EndsWith(".json", StringComparison.Ordinal)
            || !Guid.TryParse(parts[2][..^5], out id))
        {
            return false;
        }

        shard = parts[1];
        return true;
    }

    /// <summary>True for a schedule definition key (not a <c>last_run.json</c>).</summary>
    public static bool IsScheduleKey(string key) =>
        key.StartsWith(SchedulesRoot, StringComparison.Ordinal) && key.EndsWith(".json", StringComparison.Ordinal)
        && !key.EndsWith(LastRunSuffix, StringComparison.Ordinal) && key.IndexOf('/', SchedulesRoot.Length) < 0;
}

/// <summary>Which index an index key belongs to.</summary>
internal enum IndexKind
{
    Ready,
    Lease,
}

/// <summary>A parsed index key.</summary>
internal readonly record struct IndexKey(IndexKind Kind, string Shard, long Bucket, Guid TaskId);
