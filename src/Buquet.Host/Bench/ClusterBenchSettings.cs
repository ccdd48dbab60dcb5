namespace Buquet.Host.Bench;

/// <summary>Settings of <see cref="ClusterBenchmark"/> (<c>buquet bench --cluster</c>): each side (cluster off, then on) runs the same phases.</summary>
/// <param name="Workers">Worker processes per side (2 or more: a fleet).</param>
/// <param name="Concurrency">Tasks each worker runs at once.</param>
/// <param name="Settle">Wait after the fleet registered (and, cluster on, joined) before the idle window.</param>
/// <param name="Idle">Idle window: S3 requests, RSS and CPU of the idle fleet.</param>
/// <param name="Pickups">Idle pickup samples: one task at a time, each after a quiet gap.</param>
/// <param name="PickupGap">Quiet time before each pickup sample after the first.</param>
/// <param name="Rate">Steady phase: submissions per second.</param>
/// <param name="Steady">Steady phase: how long tasks are submitted at <paramref name="Rate"/>.</param>
/// <param name="Cancels">Running <c>buquet.sleep</c> tasks cancelled one by one (cancel-to-handler samples).</param>
/// <param name="PickupBudget">Bound on each side's idle pickup sampling: no further sample starts once it is used up.</param>
/// <param name="WorkDirectory">Where worker count files, logs and execution logs go.</param>
internal sealed record ClusterBenchSettings(
    int Workers, int Concurrency, TimeSpan Settle, TimeSpan Idle, int Pickups, TimeSpan PickupGap, double Rate, TimeSpan Steady, int Cancels, TimeSpan PickupBudget, string WorkDirectory)
{
    /// <summary>Longest wait for the steady phase's tasks to finish, and for the cancel phase's tasks to start and to end.</summary>
    public static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(45);

    /// <summary>Tasks the steady phase submits.</summary>
    public int SteadyTasks => (int)Math.Round(Rate * Steady.TotalSeconds);

    public void Validate()
    {
        if (Workers is < 2 or > 16)
        {
            throw new ArgumentException($"--workers {Workers} is out of range for --cluster; use 2..16 (a fleet).");
        }

        if (Concurrency is < 1 or > 10_000)
        {
            throw new ArgumentException($"--concurrency {Concurrency} is out of range; use 1..10000.");
        }

        if (Settle < TimeSpan.Zero)
        {
            throw new ArgumentException($"--cluster-settle {Settle} must not be negative.");
        }

        if (Idle <= TimeSpan.Zero)
        {
            throw new ArgumentException($"--cluster-idle {Idle} must be positive.");
        }

        if (Pickups is < 1 or > 1000)
        {
            throw new ArgumentException($"--cluster-pickups {Pickups} is out of range; use 1..1000 (20 or more for a p95).");
        }

        if (PickupGap < TimeSpan.Zero)
        {
            throw new ArgumentException($"--cluster-pickup-gap {PickupGap} must not be negative.");
        }

        if (Rate <= 0 || Rate > 1000 || double.IsNaN(Rate))
        {
            throw new ArgumentException($"--cluster-rate {Rate} is out of range; use more than 0 and at most 1000 tasks per second.");
        }

        if (SteadyTasks < 1)
        {
            throw new ArgumentException($"--cluster-steady {Steady} at --cluster-rate {Rate} submits no task; make it longer.");
        }

        if (Cancels < 0 || Cancels > Workers * Concurrency)
        {
            throw new ArgumentException($"--cluster-cancels {Cancels} is out of range; use 0..{Workers * Concurrency} (every cancelled task must be running at once: workers x concurrency).");
        }

        if (PickupBudget <= TimeSpan.Zero)
        {
            throw new ArgumentException($"--cluster-pickup-budget {PickupBudget} must be positive.");
        }
    }
}
