using Buquet.Actors.Protocol;

namespace Buquet.Actors.ChaosTests.History;

/// <summary>A task not in one of its allowed terminal states.</summary>
public sealed record UnexpectedState(Guid TaskId, BuquetTaskStatus? Status, string Allowed);

/// <summary>Two executions of one task at once.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="First">Worker (and pid) of the earlier start.</param>
/// <param name="Second">Worker (and pid) of the later start.</param>
/// <param name="From">Overlap start (store clock).</param>
/// <param name="To">Overlap end (store clock); an execution with no end line ends at its worker's kill, else at the check.</param>
/// <param name="ExceedsLeaseTtl">The window is longer than the lease TTL.</param>
public sealed record Overlap(Guid TaskId, string First, string Second, DateTimeOffset From, DateTimeOffset To, bool ExceedsLeaseTtl)
{
    /// <summary>Length of the overlap.</summary>
    public TimeSpan Window => To - From;
}

/// <summary>One task a killed worker was executing, and when another execution of it started.</summary>
public sealed record Recovery(Guid TaskId, string WorkerId, int Pid, DateTimeOffset KilledAt, DateTimeOffset? NextStartAt)
{
    /// <summary>Kill to next start (zero when another worker had already started it); null when it never restarted.</summary>
    public TimeSpan? Time => NextStartAt is { } next ? (next > KilledAt ? next - KilledAt : TimeSpan.Zero) : null;
}

/// <summary>The same task and attempt executed twice (fencing should make this impossible).</summary>
public sealed record SameAttemptDuplicate(Guid TaskId, long Attempt, int Executions);

/// <summary>The outcome of <see cref="HistoryChecker.Check"/>.</summary>
public sealed partial record HistoryReport
{
    /// <summary>Seed of the run.</summary>
    public int? Seed { get; init; }

    /// <summary>Submitted tasks.</summary>
    public int Submitted { get; init; }

    /// <summary>Final states by status name ("missing" and "malformed" included).</summary>
    public IReadOnlyDictionary<string, int> FinalStates { get; init; } = new Dictionary<string, int>();

    /// <summary>Submitted tasks with no object.</summary>
    public IReadOnlyList<Guid> Lost { get; init; } = [];

    /// <summary>Submitted tasks whose object does not parse.</summary>
    public IReadOnlyList<Guid> Malformed { get; init; } = [];

    /// <summary>Tasks still running at the end.</summary>
    public IReadOnlyList<Guid> StuckRunning { get; init; } = [];

    /// <summary>Tasks pending although available before the check.</summary>
    public IReadOnlyList<Guid> StuckPending { get; init; } = [];

    /// <summary>Tasks in a state their plan does not allow (stuck ones included).</summary>
    public IReadOnlyList<UnexpectedState> Unexpected { get; init; } = [];

    /// <summary>Logged executions of submitted tasks.</summary>
    public int Executions { get; init; }

    /// <summary>How many tasks ran 0, 1, 2, ... times.</summary>
    public IReadOnlyDictionary<int, int> ExecutionsPerTask { get; init; } = new Dictionary<int, int>();

    /// <summary>Tasks executed more than once.</summary>
    public int DuplicatedTasks { get; init; }

    /// <summary>Executions beyond the first, summed over tasks.</summary>
    public int ExtraExecutions { get; init; }

    /// <summary>Re-executions explained by a kill, a timeout, a retry, a lost lease or an abandoned run.</summary>
    public int ExplainedExtraExecutions { get; init; }

    /// <summary>Re-executions by cause: how the execution before each ended (its outcome, or the signal that killed its worker).</summary>
    public IReadOnlyDictionary<string, int> DuplicateCauses { get; init; } = new Dictionary<string, int>();

    /// <summary>Tasks re-executed after an execution that ended completed.</summary>
    public IReadOnlyList<Guid> UnexplainedDuplicates { get; init; } = [];

    /// <summary>Same task and attempt executed more than once.</summary>
    public IReadOnlyList<SameAttemptDuplicate> SameAttemptDuplicates { get; init; } = [];

    /// <summary>Concurrent executions of one task.</summary>
    public IReadOnlyList<Overlap> Overlaps { get; init; } = [];

    /// <summary>Longest overlap (zero when none).</summary>
    public TimeSpan MaxOverlap { get; init; }

    /// <summary>The lease TTL overlaps were compared to.</summary>
    public TimeSpan LeaseTtl { get; init; }

    /// <summary>Kills in the run.</summary>
    public int Kills { get; init; }

    /// <summary>Tasks in flight on killed workers and their recovery.</summary>
    public IReadOnlyList<Recovery> Recoveries { get; init; } = [];

    /// <summary>Recovery time percentiles (nearest rank); null without recoveries.</summary>
    public TimeSpan? RecoveryP50 { get; init; }

    /// <summary>99th percentile recovery time.</summary>
    public TimeSpan? RecoveryP99 { get; init; }

    /// <summary>Longest recovery time.</summary>
    public TimeSpan? RecoveryMax { get; init; }

    /// <summary>Completed tasks with no logged execution.</summary>
    public IReadOnlyList<Guid> CompletedWithoutExecution { get; init; } = [];

    /// <summary>Logged executions of tasks that were not submitted.</summary>
    public int ForeignExecutions { get; init; }

    /// <summary>Torn (unterminated) log lines, from killed processes.</summary>
    public int TornLogLines { get; init; }

    /// <summary>Unparseable log lines.</summary>
    public int BadLogLines { get; init; }

    /// <summary>Faults injected by kind (filled by the harness).</summary>
    public IReadOnlyDictionary<string, long> FaultsInjected { get; init; } = new Dictionary<string, long>();

    /// <summary>Everything that breaks the bar, one line each; empty when the run passed.</summary>
    public IReadOnlyList<string> Violations { get; init; } = [];

    /// <summary>True when there is no violation.</summary>
    public bool Passed => Violations.Count == 0;
}
