namespace Buquet.Actors.Protocol.Transitions;

/// <summary>Why a transition was refused.</summary>
internal enum Refusal
{
    /// <summary>The task's status does not allow the transition.</summary>
    InvalidStatus,

    /// <summary>Claim before <c>available_at</c>.</summary>
    NotYetAvailable,

    /// <summary>Claim at or after <c>expires_at</c>: the task should be marked expired instead.</summary>
    Expired,

    /// <summary>The caller's lease id is not the task's (fencing: someone else holds it, or it was recovered).</summary>
    LeaseMismatch,

    /// <summary>Timeout recovery of a lease that has not expired, or an expiry before the TTL.</summary>
    NotDue,
}

/// <summary>Outcome of a pure transition: a new task to write, the task unchanged (nothing to write), or a refusal.</summary>
internal sealed record TransitionResult
{
    private TransitionResult(TaskRecord? task, bool changed, Refusal? refusal, string? message)
    {
        Task = task;
        Changed = changed;
        Refusal = refusal;
        Message = message;
    }

    /// <summary>The task after the transition (new when <see cref="Changed"/>); null when refused.</summary>
    public TaskRecord? Task { get; }

    /// <summary>True when <see cref="Task"/> differs from the input and must be written.</summary>
    public bool Changed { get; }

    /// <summary>Set when refused.</summary>
    public Refusal? Refusal { get; }

    /// <summary>Human-readable reason of a refusal.</summary>
    public string? Message { get; }

    /// <summary>Applied (changed) or already in the requested state (unchanged).</summary>
    public bool Succeeded => Refusal is null;

    public static TransitionResult Applied(TaskRecord task) => new(task, true, null, null);

    public static TransitionResult Unchanged(TaskRecord task) => new(task, false, null, null);

    public static TransitionResult Refused(Refusal refusal, string message) => new(null, false, refusal, message);

    internal static TransitionResult WrongStatus(TaskRecord task, string operation, string allowed) =>
        Refused(Transitions.Refusal.InvalidStatus, $"Cannot {operation} task {task.Id} with status {TaskStatusNames.ToWire(task.Status)} (only {allowed}).");

    internal static TransitionResult WrongLease(TaskRecord task, Guid leaseId) =>
        Refused(Transitions.Refusal.LeaseMismatch, $"Lease {leaseId} does not hold task {task.Id} (current lease: {(task.LeaseId is { } l ? l.ToString() : "none")}).");
}

/// <summary>Saturating time arithmetic: a huge timeout or delay must not overflow <see cref="DateTimeOffset"/>.</summary>
internal static class SafeTime
{
    public static DateTimeOffset Add(DateTimeOffset t, TimeSpan d) =>
        d >= DateTimeOffset.MaxValue - t ? DateTimeOffset.MaxValue : d <= DateTimeOffset.MinValue - t ? DateTimeOffset.MinValue : t + d;

    public static DateTimeOffset AddSeconds(DateTimeOffset t, long seconds) =>
        seconds >= TimeSpan.MaxValue.TotalSeconds ? DateTimeOffset.MaxValue : Add(t, TimeSpan.FromSeconds(seconds));
}
