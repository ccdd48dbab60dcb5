namespace Buquet.Actors.Configuration;

/// <summary>Workflows (<c>buquet.workflows</c>; docs/workflows.md).</summary>
public sealed class WorkflowOptions
{
    /// <summary>The workflow sweeper of each worker that hosts workflows (<c>sweeper</c>).</summary>
    public WorkflowSweeperOptions Sweeper { get; set; } = new();
}

/// <summary>
/// The workflow sweeper (<c>buquet.workflows.sweeper</c>): in each worker that has workflow definitions, it lists the
/// workflows every <see cref="Interval"/> and re-drives the active ones whose orchestration is stuck (state unchanged for
/// <see cref="StuckAfter"/> and the orchestrator task missing, ended, or its lease expired). Re-drives are keyed per
/// state version, so several sweeping workers submit one orchestrator task between them.
/// </summary>
public sealed class WorkflowSweeperOptions
{
    /// <summary>Run the sweeper in workers that host workflows (<c>enabled</c>).</summary>
    /// <value>The default is true.</value>
    public bool Enabled { get; set; } = BuquetDefaults.WorkflowSweeperEnabled;

    /// <summary>Time between two sweeps (<c>interval</c>); each costs one LIST of <c>workflow/</c> and a GET per workflow.</summary>
    /// <value>The default is 60 s.</value>
    public TimeSpan Interval { get; set; } = BuquetDefaults.WorkflowSweeperInterval;

    /// <summary>A workflow whose state changed more recently is never stuck (<c>stuck-after</c>).</summary>
    /// <value>The default is 2 min.</value>
    public TimeSpan StuckAfter { get; set; } = BuquetDefaults.WorkflowSweeperStuckAfter;
}
