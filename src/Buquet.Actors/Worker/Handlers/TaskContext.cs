using Buquet.Actors.Protocol;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Handlers;

/// <summary>
/// What a handler knows about the execution it runs: the task, its deadline on the store clock, a cancellation token
/// that fires on timeout, worker shutdown, a cancel request or a lost lease, lease extension and progress reporting.
/// Safe to use from any thread.
/// </summary>
public sealed class TaskContext
{
    private readonly Func<TimeSpan, CancellationToken, Task<DateTimeOffset>> _extend;
    private readonly Func<TaskCancellationReason> _reason;
    private readonly Action<TaskProgress>? _onProgress;
    private TaskProgress? _progress;
    private long _deadlineTicks;

    internal TaskContext(
        TaskRecord task,
        DateTimeOffset deadline,
        CancellationToken cancellationToken,
        Func<TimeSpan, CancellationToken, Task<DateTimeOffset>> extend,
        Func<TaskCancellationReason> reason,
        ILogger logger,
        Action<TaskProgress>? onProgress = null)
    {
        Task = task;
        _deadlineTicks = deadline.UtcTicks;
        CancellationToken = cancellationToken;
        _extend = extend;
        _reason = reason;
        Logger = logger;
        _onProgress = onProgress;
    }

    /// <summary>The task as claimed (status running, this attempt's lease).</summary>
    public TaskRecord Task { get; }

    /// <summary>The task id.</summary>
    public Guid TaskId => Task.Id;

    /// <summary>The task type.</summary>
    public string TaskType => Task.TaskType;

    /// <summary>This execution's attempt number (1 for the first claim, counting retries and reschedules).</summary>
    public long Attempt => Task.Attempt;

    /// <summary>Retries used before this attempt.</summary>
    public long RetryCount => Task.RetryCount;

    /// <summary>Reschedules used before this attempt.</summary>
    public long RescheduleCount => Task.RescheduleCount;

    /// <summary>When the handler's time is up, on the store clock; moved by <see cref="ExtendLeaseAsync"/>.</summary>
    public DateTimeOffset Deadline => new(Interlocked.Read(ref _deadlineTicks), TimeSpan.Zero);

    /// <summary>Fires on timeout, shutdown (after the drain deadline), a cancel request, or a lost lease.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Why <see cref="CancellationToken"/> fired (<see cref="TaskCancellationReason.None"/> while it has not).</summary>
    public TaskCancellationReason CancellationReason => _reason();

    /// <summary>A logger scoped to this task.</summary>
    public ILogger Logger { get; }

    /// <summary>The last progress reported, if any.</summary>
    public TaskProgress? Progress => Volatile.Read(ref _progress);

    /// <summary>
    /// Extends the lease and the deadline: the new lease expiry is <c>max(current, now) + extra</c> on the store clock.
    /// Throws <see cref="OperationCanceledException"/> when the lease is lost (the handler should stop).
    /// </summary>
    /// <param name="extra">The extension (positive).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new deadline.</returns>
    public async Task<DateTimeOffset> ExtendLeaseAsync(TimeSpan extra, CancellationToken cancellationToken = default)
    {
        if (extra <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(extra), extra, "Lease extension must be positive.");
        }

        var deadline = await _extend(extra, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _deadlineTicks, deadline.UtcTicks);
        return deadline;
    }

    /// <summary>Records progress (visible to the worker's status and logs); cheap, no store write.</summary>
    /// <param name="fraction">Completion between 0 and 1, if known.</param>
    /// <param name="note">A short note.</param>
    public void ReportProgress(double? fraction, string? note = null)
    {
        if (fraction is { } f && (double.IsNaN(f) || f < 0 || f > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "Progress must be between 0 and 1.");
        }

        var progress = new TaskProgress(fraction, note);
        Volatile.Write(ref _progress, progress);
        _onProgress?.Invoke(progress);
    }

    /// <summary>Throws <see cref="OperationCanceledException"/> when the token has fired.</summary>
    public void ThrowIfCancellationRequested() => CancellationToken.ThrowIfCancellationRequested();
}

/// <summary>Progress reported by a handler.</summary>
/// <param name="Fraction">Completion between 0 and 1, if known.</param>
/// <param name="Note">A short note.</param>
public sealed record TaskProgress(double? Fraction, string? Note);
