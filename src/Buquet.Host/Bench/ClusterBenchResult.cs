using Buquet.Actors.Storage;

namespace Buquet.Host.Bench;

/// <summary>The steady phase of one side: tasks submitted at a fixed rate.</summary>
internal sealed record SteadyResult(
    int Submitted, int Completed, IReadOnlyList<double> PickupMs, RequestCounts ProducerCounts, RequestCounts WorkerCounts,
    IReadOnlyList<WorkerSample> Workers, WakeCounts Wakes, TimeSpan WallTime)
{
    /// <summary>Every request (producer and workers) per completed task.</summary>
    public RequestMix PerCompletedTask => RequestMix.From(CountsFile.Sum([ProducerCounts, WorkerCounts])).Per(Completed);

    /// <summary>Worker CPU (all processes) per completed task, in ms; null when nothing completed.</summary>
    public double? WorkerCpuMsPerTask => Completed > 0 ? Workers.Sum(w => w.CpuSeconds) * 1000 / Completed : null;
}

/// <summary>Everything one side (cluster off or on) of <c>bench --cluster</c> measured.</summary>
/// <param name="Cluster">True for the clustered side.</param>
/// <param name="Members">Cluster members Up when the side started measuring (the bench process included); 0 when off.</param>
/// <param name="IdleDuration">The idle window.</param>
/// <param name="IdleWorkerCounts">Each worker's S3 requests during the idle window (in <paramref name="IdleSamples"/> order).</param>
/// <param name="IdleSamples">Worker RSS at the end of the idle window and CPU seconds during it.</param>
/// <param name="PickupMs">Idle pickup samples: submit to handler start.</param>
/// <param name="PickupsSubmitted">Idle pickup tasks submitted.</param>
/// <param name="PickupWakes">Wake-path counters over the pickup samples.</param>
/// <param name="Steady">The steady phase.</param>
/// <param name="CancelMs">Cancel-to-handler samples: the cancel returned to the handler's execution ending cancelled.</param>
/// <param name="CancelsRequested">Running tasks cancelled.</param>
internal sealed record ClusterSideResult(
    bool Cluster, int Members, TimeSpan IdleDuration, IReadOnlyList<RequestCounts> IdleWorkerCounts, IReadOnlyList<WorkerSample> IdleSamples,
    IReadOnlyList<double> PickupMs, int PickupsSubmitted, WakeCounts PickupWakes, SteadyResult Steady,
    IReadOnlyList<double> CancelMs, int CancelsRequested)
{
    public int Workers => IdleSamples.Count;

    /// <summary>S3 requests per idle worker-minute (all worker processes, the idle window).</summary>
    public RequestMix IdlePerWorkerMinute => RequestMix.From(CountsFile.Sum(IdleWorkerCounts)).Per(Workers * IdleDuration.TotalMinutes);

    /// <summary>One worker's S3 requests per idle minute.</summary>
    public RequestMix IdlePerMinuteOf(int worker) => RequestMix.From(IdleWorkerCounts[worker]).Per(IdleDuration.TotalMinutes);

    /// <summary>Mean RSS of a worker process at the end of the idle window, in MB.</summary>
    public double IdleRssMb => IdleSamples.Count == 0 ? 0 : IdleSamples.Average(s => s.RssMb);

    /// <summary>Mean CPU of a worker process during the idle window, in % of one core.</summary>
    public double IdleCpuPercent => IdleSamples.Count == 0 || IdleDuration <= TimeSpan.Zero ? 0 : IdleSamples.Average(s => s.CpuSeconds) / IdleDuration.TotalSeconds * 100;

    /// <summary>The busiest worker process's CPU during the idle window, in % of one core.</summary>
    public double IdleCpuPercentMax => IdleSamples.Count == 0 || IdleDuration <= TimeSpan.Zero ? 0 : IdleSamples.Max(s => s.CpuSeconds) / IdleDuration.TotalSeconds * 100;

    public LatencySummary Pickup => LatencySummary.Of(PickupMs);

    public LatencySummary Cancel => LatencySummary.Of(CancelMs);

    public LatencySummary SteadyPickup => LatencySummary.Of(Steady.PickupMs);
}
