namespace Buquet.Actors.Diagnostics;

/// <summary>Which end of a handler execution a log line records.</summary>
internal enum ExecutionEvent
{
    /// <summary>The handler is about to run.</summary>
    Start,

    /// <summary>The execution's outcome was committed (or given up).</summary>
    End,
}

/// <summary>
/// One line of the execution log (JSON Lines, UTF-8, one object per line, each under
/// <see cref="ExecutionLogWriter.MaxLineBytes"/> bytes):
/// <code>
/// {"v":1,"ev":"start","exec":"6f1c…","task":"0b9e…","attempt":1,"worker":"w-1","pid":4242,"lease":"9a7d…","type":"buquet.sleep","at":"2026-11-23T22:01:02.123Z","local":"2026-11-23T22:01:02.120Z"}
/// {"v":1,"ev":"end","exec":"6f1c…","task":"0b9e…","attempt":1,"worker":"w-1","pid":4242,"lease":"9a7d…","type":"buquet.sleep","at":"2026-11-23T22:01:02.611Z","local":"2026-11-23T22:01:02.608Z","outcome":"completed"}
/// </code>
/// <c>exec</c> pairs a start with its end (a process killed mid-run leaves a start alone); <c>at</c> is the store's
/// clock as the worker estimates it, <c>local</c> the process's own wall clock (kept to diagnose skewed clocks).
/// </summary>
/// <param name="Event">Start or end.</param>
/// <param name="ExecutionId">Unique per execution; the same on its start and end lines.</param>
/// <param name="TaskId">The task.</param>
/// <param name="Attempt">The task's attempt number as claimed.</param>
/// <param name="WorkerId">The worker id.</param>
/// <param name="Pid">The worker's process id.</param>
/// <param name="At">Store-clock time of the event.</param>
/// <param name="TaskType">The task type, if known.</param>
/// <param name="Outcome">On an end line: one of <see cref="ExecutionOutcomes"/>.</param>
/// <param name="LocalAt">The process's local wall clock at the event.</param>
/// <param name="LeaseId">The lease the execution ran under, if known.</param>
internal sealed record ExecutionLogEntry(
    ExecutionEvent Event,
    Guid ExecutionId,
    Guid TaskId,
    long Attempt,
    string WorkerId,
    int Pid,
    DateTimeOffset At,
    string? TaskType = null,
    string? Outcome = null,
    DateTimeOffset? LocalAt = null,
    Guid? LeaseId = null);

/// <summary>The outcomes an end line may carry (an open set: readers keep unknown values as they are).</summary>
internal static class ExecutionOutcomes
{
    /// <summary>The handler returned and the completion CAS landed.</summary>
    public const string Completed = "completed";

    /// <summary>The handler failed permanently (or ran out of retries) and the failure was written.</summary>
    public const string Failed = "failed";

    /// <summary>The handler failed and the task was put back for a retry.</summary>
    public const string Retry = "retry";

    /// <summary>The handler asked for a durable sleep.</summary>
    public const string Rescheduled = "rescheduled";

    /// <summary>The handler ran past its timeout; the retry or failure was written.</summary>
    public const string Timeout = "timeout";

    /// <summary>Cancelled (cancel request or shutdown) and the outcome written.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Nothing written: the lease was lost, no longer trusted, or the CAS was refused.</summary>
    public const string LeaseLost = "lease_lost";

    /// <summary>The executor was stopped from outside before it could commit (the lease is left to expire).</summary>
    public const string Abandoned = "abandoned";
}

/// <summary>A start line paired with its end line, if one was written.</summary>
/// <param name="Start">The start line.</param>
/// <param name="End">The end line, or null when the process died (or is still running).</param>
internal sealed record Execution(ExecutionLogEntry Start, ExecutionLogEntry? End)
{
    /// <summary>The task.</summary>
    public Guid TaskId => Start.TaskId;

    /// <summary>The worker.</summary>
    public string WorkerId => Start.WorkerId;

    /// <summary>Store-clock start.</summary>
    public DateTimeOffset StartedAt => Start.At;

    /// <summary>Store-clock end, or null.</summary>
    public DateTimeOffset? EndedAt => End?.At;

    /// <summary>The end line's outcome, or null.</summary>
    public string? Outcome => End?.Outcome;
}
