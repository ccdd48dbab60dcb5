using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Host.Bench;

/// <summary>What one queue run measured.</summary>
internal sealed record QueueRunResult(
    int Submitted,
    IReadOnlyList<TaskTimings> Tasks,
    LatencySummary SubmitLatency,
    RequestCounts ProducerCounts,
    RequestCounts WorkerCounts,
    IReadOnlyList<WorkerSample> Workers,
    TimeSpan WallTime)
{
    public int Completed => Tasks.Count(t => t.Status == BuquetTaskStatus.Completed);

    /// <summary>Completed tasks per second between the first submit and the last finish (store clock).</summary>
    public double Throughput
    {
        get
        {
            var done = Tasks.Where(t => t.Finished is not null).ToArray();
            if (done.Length == 0)
            {
                return 0;
            }

            var span = done.Max(t => t.Finished!.Value) - Tasks.Min(t => t.Submitted);
            return span > TimeSpan.Zero ? Completed / span.TotalSeconds : 0;
        }
    }

    public RequestMix PerCompletedTask => RequestMix.From(CountsFile.Sum([ProducerCounts, WorkerCounts])).Per(Completed);
}

/// <summary>A worker process's resources over a run.</summary>
internal sealed record WorkerSample(string Id, int Pid, double RssMb, double PeakRssMb, double CpuSeconds, int? ExitCode);

/// <summary>What the idle mode measured.</summary>
internal sealed record IdleResult(TimeSpan Duration, int Workers, RequestCounts WorkerCounts, IReadOnlyList<WorkerSample> Samples, QueueRunResult FirstTask)
{
    /// <summary>Every task submitted after idle (the first, then one per quiet spell).</summary>
    public IReadOnlyList<QueueRunResult> Pickups { get; init; } = [FirstTask];

    public RequestMix PerWorkerMinute => RequestMix.From(WorkerCounts).Per(Workers * Duration.TotalMinutes);
}

/// <summary>
/// <c>buquet bench</c>: N worker processes (real OS processes of this host, each counting its store requests), a producer in
/// this process submitting M tasks, a wait until every task is terminal, then timings from the store and requests per task.
/// </summary>
/// <param name="workerEnvironment">Variables added to every worker process's environment (<c>bench --cluster</c>: the execution log and the cluster's bind address).</param>
internal sealed partial class QueueBenchmark(IObjectStore store, BuquetClientOptions clientOptions, QueueBenchSettings settings, IReadOnlyList<string> workerArgs, TimeProvider time, Action<string> progress,
    IReadOnlyDictionary<string, string>? workerEnvironment = null)
{
    private readonly RequestCountingObjectStore _producerStore = new(store);
    private readonly List<WorkerProcess> _workers = [];

    /// <summary>Unique per run: worker ids and count files carry it.</summary>
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The history written before the run (<see cref="QueueBenchSettings.History"/>), once <see cref="RunAsync"/> wrote it.</summary>
    public HistoryResult? History { get; private set; }

    public async Task<(QueueRunResult? Run, IdleResult? Idle)> RunAsync(CancellationToken ct)
    {
        settings.Validate();
        Directory.CreateDirectory(settings.WorkDirectory);
        var client = new BuquetClient(_producerStore, clientOptions, time);
        try
        {
            if (settings.History > 0)
            {
                progress($"Writing a history of {settings.History} processed task(s) (submit, claim, complete; {HistoryPrefill.Parallelism} at once).");
                History = await new HistoryPrefill(store, clientOptions, time, progress).RunAsync(settings.History, settings.Handler, ct);
                progress($"History written in {History.Elapsed.TotalSeconds:0.0} s ({History.TasksPerSecond:0} tasks/s).");
            }

            await StartWorkersAsync(ct);
            if (settings.Idle is { } idle)
            {
                return (null, await IdleAsync(client, idle, ct));
            }

            return (await ThroughputAsync(client, settings.Tasks, ct), null);
        }
        finally
        {
            await StopWorkersAsync();
        }
    }

    /// <summary>The producer's store (counted); <see cref="ThroughputAsync"/> resets it.</summary>
    internal RequestCountingObjectStore ProducerStore => _producerStore;

    /// <summary>The worker processes started so far.</summary>
    internal IReadOnlyList<WorkerProcess> Workers => _workers;

    /// <summary>Stops every worker process (SIGTERM, SIGKILL after a minute) and lets go of them.</summary>
    internal async Task StopWorkersAsync()
    {
        await Task.WhenAll(_workers.Select(w => w.StopAsync(TimeSpan.FromSeconds(60))));
        foreach (var w in _workers)
        {
            w.Dispose();
        }

        _workers.Clear();
    }

    /// <summary>Starts the worker processes and waits until each has registered and the fleet has settled.</summary>
    internal async Task StartWorkersAsync(CancellationToken ct)
    {
        for (var i = 0; i < settings.Workers; i++)
        {
            var id = $"bench-{RunId}-{i}";
            _workers.Add(WorkerProcess.Start(id, Path.Combine(settings.WorkDirectory, id + ".counts.json"), workerArgs, workerEnvironment));
        }

        progress($"Started {settings.Workers} worker process(es) (pids {string.Join(", ", _workers.Select(w => w.Pid))}); waiting for them to register.");
        var deadline = time.GetTimestamp();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_workers.FirstOrDefault(w => w.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"Worker process {dead.Id} exited with code {dead.ExitCode} before registering:\n{dead.Tail()}");
            }

            var registered = 0;
            foreach (var w in _workers)
            {
                if (await store.HeadAsync(TaskKeys.Worker(w.Id), ct) is not null && CountsFile.Read(w.CountsFile) is not null)
                {
                    registered++;
                }
            }

            if (registered == _workers.Count)
            {
                await SettleAsync(ct);
                return;
            }

            if (time.GetElapsedTime(deadline) > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"Only {registered} of {_workers.Count} worker processes registered within 3 minutes:\n{_workers[0].Tail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct);
        }
    }

    /// <summary>
    /// With shard leasing (the default), the first worker to start holds every shard until its next renewal hands the
    /// surplus to the others, so a burst submitted right after start-up measures one worker, not the fleet. Waits (up
    /// to <see cref="SettleLimit"/>) until the fleet has gone idle and released its shard leases: the run then starts
    /// from a settled fleet, as a queue that has been running does, and every worker takes its share when it wakes.
    /// Returns at once when shard leasing is off (nothing is ever held).
    /// </summary>
    private async Task SettleAsync(CancellationToken ct)
    {
        var start = time.GetTimestamp();
        long? emptySince = null; // empty for 2 s in a row: released, not "not acquired yet"
        while (time.GetElapsedTime(start) < SettleLimit)
        {
            var held = await store.ListAsync(new ListRequest(TaskKeys.ShardLeasesRoot, MaxKeys: 1), ct);
            emptySince = held.Objects.Count > 0 ? null : emptySince ?? time.GetTimestamp();
            if (emptySince is { } since && time.GetElapsedTime(since) >= TimeSpan.FromSeconds(2))
            {
                progress($"Fleet settled (no shard lease held) after {time.GetElapsedTime(start).TotalSeconds:0.#} s.");
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }

        progress($"Fleet did not release its shard leases within {SettleLimit.TotalSeconds:0} s; starting anyway (one worker may hold every shard for a renewal interval).");
    }

    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(60);

    internal RequestCounts WorkerCountsNow() =>
        CountsFile.Sum(_workers.Select(w => CountsFile.Read(w.CountsFile)?.Counts ?? CountsFile.Empty));

    internal List<WorkerSample> Sample(IReadOnlyList<ProcessStats>? baseline = null) =>
        [.. _workers.Select((w, i) =>
        {
            var s = w.Stats();
            return new WorkerSample(w.Id, w.Pid, s.RssMb, s.PeakRssMb, s.CpuSeconds - (baseline?[i].CpuSeconds ?? 0), w.ExitCode);
        })];

    private async Task<IdleResult> IdleAsync(BuquetClient client, TimeSpan idle, CancellationToken ct)
    {
        // Let start-up (registration, probes, first polls) settle before the idle window opens.
        await Task.Delay(settings.IdleSettle, time, ct);
        var before = WorkerCountsNow();
        var cpu = _workers.Select(w => w.Stats()).ToArray();
        progress($"Idle for {idle.TotalSeconds:0} s on an empty queue.");
        await Task.Delay(idle, time, ct);
        var counts = CountsFile.Minus(WorkerCountsNow(), before);
        var samples = Sample(cpu);
        progress("Submitting one task after the idle period.");
        var first = await ThroughputAsync(client, 1, ct);
        var pickups = new List<QueueRunResult> { first };
        var spacing = settings.EffectivePickupSpacing;
        for (var i = 1; i < settings.IdlePickups; i++)
        {
            progress($"Quiet for {spacing.TotalSeconds:0} s, then task {i + 1} of {settings.IdlePickups}.");
            await Task.Delay(spacing, time, ct);
            pickups.Add(await ThroughputAsync(client, 1, ct));
        }

        return new IdleResult(idle, _workers.Count, counts, samples, first) { Pickups = pickups };
    }
}
