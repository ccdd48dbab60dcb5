using System.Text.Json;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.Client;

/// <summary>Per-task submit settings; unset values take the client's defaults.</summary>
public sealed record SubmitOptions
{
    /// <summary>Become available this long after submission (store time).</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Become available at this store time; wins over <see cref="Delay"/>.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>Lease length per attempt (whole seconds).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Retries after the first failure.</summary>
    public int? MaxRetries { get; init; }

    /// <summary>Backoff policy.</summary>
    public RetryPolicy? RetryPolicy { get; init; }

    /// <summary>Reschedule limit; unset is unlimited.</summary>
    public int? MaxReschedules { get; init; }

    /// <summary>Expire if still pending this long after submission; wins over <see cref="ExpiresAt"/>.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Expire if still pending at this store time.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Submit at most once per key (within <see cref="IdempotencyScope"/> and <see cref="IdempotencyTtl"/>).</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Idempotency scope: unset = the task type; <see cref="IdempotencyScopes.Queue"/> = whole queue; anything else is a custom scope.</summary>
    public string? IdempotencyScope { get; init; }

    /// <summary>How long the idempotency record stays valid.</summary>
    public TimeSpan? IdempotencyTtl { get; init; }

    /// <summary>Override the client's payload offloading for this task.</summary>
    public bool? OffloadLargePayload { get; init; }

    /// <summary>
    /// Check the input against the task type's input schema (<c>schemas/{task_type}.json</c>, one extra GET) before
    /// anything is written: a mismatch throws <see cref="Schemas.SchemaValidationException"/> naming every failing path and
    /// keyword, a type without a schema throws <see cref="Schemas.SchemaNotFoundException"/>. A schema without an input part
    /// lets any input through.
    /// </summary>
    /// <value>The default is false (no check, no extra request).</value>
    public bool ValidateInput { get; init; }
}

/// <summary>Well-known idempotency scopes.</summary>
public static class IdempotencyScopes
{
    /// <summary>One key space for the whole queue.</summary>
    public const string Queue = "queue";
}

/// <summary>One item of a bulk submit.</summary>
/// <param name="TaskType">Handler routing key.</param>
/// <param name="Input">Any JSON-serializable value.</param>
/// <param name="Options">Per-task settings.</param>
public sealed record TaskSubmission(string TaskType, object? Input, SubmitOptions? Options = null);

/// <summary>Per-item result of a bulk submit: the task, or the error.</summary>
public sealed record SubmitManyResult(int Index, TaskRecord? Task, Exception? Error)
{
    /// <summary>True when the item was submitted.</summary>
    public bool Succeeded => Task is not null;
}

/// <summary>A task with its input and output resolved from payload references.</summary>
public sealed record TaskWithPayloads(TaskRecord Task, JsonElement? Input, JsonElement? Output);

/// <summary>A page request over tasks. Without <see cref="Shard"/> every shard is scanned in order.</summary>
public sealed record TaskQuery
{
    /// <summary>Only this shard.</summary>
    public string? Shard { get; init; }

    /// <summary>Only this status.</summary>
    public BuquetTaskStatus? Status { get; init; }

    /// <summary>Only this task type.</summary>
    public string? TaskType { get; init; }

    /// <summary>Most tasks per page (1..1000).</summary>
    /// <value>The default is 100.</value>
    public int PageSize { get; init; } = 100;

    /// <summary>Token from the previous page.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>A page of tasks. Objects that could not be read are reported, not thrown.</summary>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, string? ContinuationToken, IReadOnlyList<MalformedObjectException> Malformed)
{
    /// <summary>True when another page may follow.</summary>
    public bool HasMore => ContinuationToken is not null;
}

/// <summary>One stored version of a task.</summary>
public sealed record TaskVersion(string VersionId, DateTimeOffset LastModified, bool IsLatest, TaskRecord? Task, MalformedObjectException? Error);

/// <summary>A page of task versions, newest first.</summary>
public sealed record TaskHistoryPage(IReadOnlyList<TaskVersion> Versions, string? ContinuationToken);

/// <summary>How an operator action ended.</summary>
public enum TaskOperationStatus
{
    /// <summary>The change was written.</summary>
    Applied,

    /// <summary>The task was already in the requested state; nothing was written.</summary>
    AlreadyDone,

    /// <summary>A running task was asked to stop (cooperative cancellation).</summary>
    CancellationRequested,

    /// <summary>No such task.</summary>
    NotFound,

    /// <summary>The task's status does not allow the action.</summary>
    InvalidState,

    /// <summary>Concurrent writers kept winning; try again.</summary>
    Conflict,

    /// <summary>The stored task object is unreadable (see the message).</summary>
    Malformed,
}

/// <summary>Result of an operator action on one task.</summary>
public sealed record TaskOperationResult(Guid TaskId, TaskOperationStatus Status, TaskRecord? Task, string? Message = null)
{
    /// <summary>Applied, already done, or cancellation requested.</summary>
    public bool Succeeded => Status is TaskOperationStatus.Applied or TaskOperationStatus.AlreadyDone or TaskOperationStatus.CancellationRequested;
}

/// <summary>An idempotency key was reused with a different input.</summary>
public sealed class IdempotencyConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IdempotencyConflictException() { }

    /// <summary>Creates the exception.</summary>
    public IdempotencyConflictException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public IdempotencyConflictException(string message, Exception innerException) : base(message, innerException) { }
}
