using Buquet.Actors.Protocol;

namespace Buquet.Actors.ChaosTests.History;

/// <summary>A submitted task and the terminal states the submission plan allows for it.</summary>
/// <param name="Id">The task id returned by the submit.</param>
/// <param name="Allowed">Acceptable terminal states (e.g. Completed; or Failed for a handler that always throws).</param>
/// <param name="TaskType">The task type, for the report.</param>
public sealed record PlannedTask(Guid Id, IReadOnlySet<BuquetTaskStatus> Allowed, string? TaskType = null)
{
    /// <summary>A task that must end <see cref="BuquetTaskStatus.Completed"/>.</summary>
    public static PlannedTask MustComplete(Guid id, string? taskType = null) => new(id, new HashSet<BuquetTaskStatus> { BuquetTaskStatus.Completed }, taskType);
}

/// <summary>What the bucket says about a task at the end of a run.</summary>
/// <param name="Id">The task id.</param>
/// <param name="Status">Its status; null when the object is missing or malformed.</param>
/// <param name="AvailableAt">When a pending task becomes claimable.</param>
/// <param name="Attempt">The task's attempt counter.</param>
/// <param name="WorkerId">The last worker that held it.</param>
/// <param name="Missing">No object under the task's key.</param>
/// <param name="Malformed">The object does not parse; the problem.</param>
public sealed record ObservedTask(Guid Id, BuquetTaskStatus? Status, DateTimeOffset AvailableAt, long Attempt, string? WorkerId, bool Missing = false, string? Malformed = null)
{
    /// <summary>From a task record.</summary>
    public static ObservedTask From(TaskRecord task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new(task.Id, task.Status, task.AvailableAt, task.Attempt, task.WorkerId);
    }

    /// <summary>No object.</summary>
    public static ObservedTask Lost(Guid id) => new(id, null, default, 0, null, Missing: true);
}

/// <summary>A worker process the harness killed (or stopped).</summary>
/// <param name="WorkerId">Its worker id.</param>
/// <param name="Pid">Its process id.</param>
/// <param name="At">When, on the store's clock (the harness's clock corrected by the store-clock offset).</param>
/// <param name="Signal">SIGKILL or SIGTERM.</param>
public sealed record WorkerKill(string WorkerId, int Pid, DateTimeOffset At, string Signal = "SIGKILL");

/// <summary>Settings of a check.</summary>
public sealed record HistoryCheckOptions
{
    /// <summary>The lease TTL the workers ran with: overlaps longer than this are violations.</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>When the final state was read (store clock): pending tasks available before this are stuck.</summary>
    public DateTimeOffset CheckedAt { get; init; }

    /// <summary>Workers killed (SIGKILL) or stopped (SIGTERM) during the run: an execution with no end line ends at its process's kill, and its task's recovery is measured from there.</summary>
    public IReadOnlyList<WorkerKill> Kills { get; init; } = [];

    /// <summary>
    /// Longest acceptable time from a kill to the next start of each task the killed worker was executing (the bar:
    /// lease TTL + one monitor cycle); null to only measure.
    /// </summary>
    public TimeSpan? MaxRecovery { get; init; }

    /// <summary>A re-execution after an execution that ended <c>completed</c> is a violation. <value>The default is true.</value></summary>
    public bool FailOnUnexplainedDuplicates { get; init; } = true;

    /// <summary>Every completed task must have at least one logged execution (the log is complete). <value>The default is false.</value></summary>
    public bool RequireExecutionForCompleted { get; init; }

    /// <summary>Seed of the run, printed in the report.</summary>
    public int? Seed { get; init; }
}
