using Buquet.Actors.Protocol.Transitions;

namespace Buquet.Actors.Protocol;

/// <summary>A task as read or written, with the ETag to compare-and-swap against next.</summary>
internal sealed record TaskSnapshot(TaskRecord Task, string ETag);

/// <summary>How a compare-and-swap around a transition ended.</summary>
internal enum CasStatus
{
    /// <summary>The new task was written.</summary>
    Written,

    /// <summary>The task was already in the requested state; nothing was written.</summary>
    Unchanged,

    /// <summary>The transition refused (see <see cref="TransitionOutcome.Refusal"/>).</summary>
    Refused,

    /// <summary>The task does not exist.</summary>
    NotFound,

    /// <summary>Lost every compare-and-swap attempt to concurrent writers.</summary>
    Conflict,

    /// <summary>The stored object is not a readable task (see <see cref="TransitionOutcome.Message"/>).</summary>
    Malformed,
}

/// <summary>Result of <see cref="TaskRepository"/> applying a transition.</summary>
internal sealed record TransitionOutcome(CasStatus Status, TaskSnapshot? Snapshot, Refusal? Refusal = null, string? Message = null)
{
    public bool Succeeded => Status is CasStatus.Written or CasStatus.Unchanged;

    public static TransitionOutcome NotFound { get; } = new(CasStatus.NotFound, null, null, "Task not found.");

    public static TransitionOutcome Malformed(MalformedObjectException error) => new(CasStatus.Malformed, null, null, error.Message);
}

/// <summary>Result of a claim attempt.</summary>
internal enum ClaimStatus
{
    /// <summary>We hold the task under a fresh lease.</summary>
    Claimed,

    /// <summary>Another claimer won the race.</summary>
    AlreadyClaimed,

    /// <summary>Not pending, or not yet available.</summary>
    NotAvailable,

    /// <summary>No such task.</summary>
    NotFound,

    /// <summary>TTL passed; the task was (best-effort) marked expired.</summary>
    Expired,

    /// <summary>The stored object is not a readable task; skip it (it is counted and logged).</summary>
    Malformed,
}

/// <summary>Outcome of a claim: on <see cref="ClaimStatus.Claimed"/>, the running task and its ETag.</summary>
internal sealed record ClaimOutcome(ClaimStatus Status, TaskSnapshot? Snapshot, string? Message = null)
{
    public bool Claimed => Status == ClaimStatus.Claimed;
}
