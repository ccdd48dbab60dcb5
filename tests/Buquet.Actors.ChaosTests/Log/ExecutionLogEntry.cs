namespace Buquet.Actors.ChaosTests.Log;

/// <summary>Which end of a handler execution a log line records.</summary>
public enum ExecutionEvent
{
    /// <summary>The handler is about to run.</summary>
    Start,

    /// <summary>The handler returned, threw, timed out or was abandoned.</summary>
    End,
}

/// <summary>
/// One line of the execution log (JSON Lines, one object per line, UTF-8, each line under
/// <see cref="ExecutionLogWriter.MaxLineBytes"/> bytes):
/// <code>
/// {"v":1,"ev":"start","exec":"6f1c…","task":"0b9e…","attempt":1,"worker":"w-1","pid":4242,"type":"buquet.sleep","at":"2026-11-23T22:01:02.123Z","local":"2026-11-23T22:01:02.120Z"}
/// {"v":1,"ev":"end","exec":"6f1c…","task":"0b9e…","attempt":1,"worker":"w-1","pid":4242,"type":"buquet.sleep","at":"2026-11-23T22:01:02.611Z","local":"2026-11-23T22:01:02.608Z","outcome":"completed"}
/// </code>
/// <c>exec</c> pairs a start with its end (a process killed mid-run leaves a start alone); <c>at</c> is the store's
/// clock as the worker estimates it (the worker's <c>IStoreClock</c>), <c>local</c> the process's own clock.
/// </summary>
/// <param name="Event">Start or end.</param>
/// <param name="ExecutionId">Unique per execution; the same on its start and end lines.</param>
/// <param name="TaskId">The task.</param>
/// <param name="Attempt">The task's attempt number as claimed.</param>
/// <param name="WorkerId">The worker id.</param>
/// <param name="Pid">The worker's process id.</param>
/// <param name="At">Store-clock time of the event.</param>
/// <param name="TaskType">The task type, if known.</param>
/// <param name="Outcome">On an end line: <see cref="ExecutionOutcomes"/>.</param>
/// <param name="LocalAt">The process's local clock at the event.</param>
public sealed record ExecutionLogEntry(
    ExecutionEvent Event,
    Guid ExecutionId,
    Guid TaskId,
    long Attempt,
    string WorkerId,
    int Pid,
    DateTimeOffset At,
    string? TaskType = null,
    string? Outcome = null,
    DateTimeOffset? LocalAt = null);

/// <summary>The outcomes an end line may carry (open set: readers keep unknown values as they are).</summary>
public static class ExecutionOutcomes
{
    /// <summary>The handler returned and completion was written.</summary>
    public const string Completed = "completed";

    /// <summary>The handler failed permanently.</summary>
    public const string Failed = "failed";

    /// <summary>The handler failed and the task was put back for a retry.</summary>
    public const string Retry = "retry";

    /// <summary>The handler asked for a durable sleep.</summary>
    public const string Rescheduled = "rescheduled";

    /// <summary>The handler ran past its timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>Cancelled (cancel request or shutdown).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The lease was lost (fencing refused the completion).</summary>
    public const string LeaseLost = "lease_lost";
}

/// <summary>A start line paired with its end line, if one was written.</summary>
/// <param name="Start">The start line.</param>
/// <param name="End">The end line, or null when the process died (or is still running).</param>
public sealed record Execution(ExecutionLogEntry Start, ExecutionLogEntry? End)
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
