using System.Text.Json;
using System.Text.Json.Nodes;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Host.Bench;

/// <summary>The phases of one side: idle window, idle pickups, steady rate, cancels.</summary>
internal sealed partial class ClusterBenchmark
{
    private static readonly TimeSpan LogPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// A few tasks per worker before the settle: a worker that went idle while the others were still registering counted
    /// a smaller fleet and checks the wake-up hint that much more often until its next census (20 min); work brings
    /// every worker back to its shard-lease ticks, which count the whole fleet, so both sides idle with the same count.
    /// </summary>
    private async Task WarmUpAsync(Side side, CancellationToken ct)
    {
        var input = Input(new JsonObject { ["bench"] = "warm-up" });
        var ids = new List<Guid>();
        for (var i = 0; i < settings.Workers * 4; i++)
        {
            ids.Add((await side.Client.SubmitAsync(QueueBenchSettings.Echo, input, null, ct)).Id);
        }

        await WaitForAsync(side, ids, r => r.End is not null, ClusterBenchSettings.PhaseTimeout, ct);
        progress($"Warm-up: {ids.Count} task(s) done; settling for {settings.Settle.TotalSeconds:0} s.");
    }

    /// <summary>The idle window: every worker's requests during it (in worker order), and RSS at its end and CPU during it.</summary>
    private async Task<(IReadOnlyList<RequestCounts> Counts, IReadOnlyList<WorkerSample> Samples)> IdleAsync(Side side, CancellationToken ct)
    {
        RequestCounts[] PerWorker() => [.. side.Queue.Workers.Select(w => CountsFile.Read(w.CountsFile)?.Counts ?? CountsFile.Empty)];
        var before = PerWorker();
        var cpu = side.Queue.Workers.Select(w => w.Stats()).ToArray();
        progress($"Idle for {settings.Idle.TotalSeconds:0} s on an empty queue.");
        await Task.Delay(settings.Idle, time, ct);
        return ([.. PerWorker().Zip(before, CountsFile.Minus)], side.Queue.Sample(cpu));
    }

    private async Task<(List<double> Ms, int Submitted, WakeCounts Wakes)> PickupsAsync(Side side, CancellationToken ct)
    {
        var before = side.Wakes();
        var ms = new List<double>();
        var submitted = 0;
        var start = time.GetTimestamp();
        var input = Input(new JsonObject { ["bench"] = "pickup" });
        progress($"Idle pickups: {settings.Pickups} task(s), one at a time, {settings.PickupGap.TotalSeconds:0.#} s apart.");
        for (var i = 0; i < settings.Pickups; i++)
        {
            if (i > 0)
            {
                if (time.GetElapsedTime(start) + settings.PickupGap > settings.PickupBudget)
                {
                    progress($"Stopping idle pickups after {i} sample(s): --cluster-pickup-budget {settings.PickupBudget.TotalSeconds:0} s used up.");
                    break;
                }

                await Task.Delay(settings.PickupGap, time, ct);
            }

            var t0 = time.GetUtcNow();
            var task = await side.Client.SubmitAsync(QueueBenchSettings.Echo, input, null, ct);
            submitted++;
            var runs = await WaitForAsync(side, [task.Id], r => r.End is not null, ClusterBenchSettings.PhaseTimeout, ct);
            if (runs.TryGetValue(task.Id, out var run) && run.Start is { } started)
            {
                ms.Add((started - t0).TotalMilliseconds);
            }
        }

        await Task.Delay(CountsFile.Period * 3, time, ct);
        return (ms, submitted, side.Wakes().Minus(before));
    }

    private async Task<SteadyResult> SteadyAsync(Side side, CancellationToken ct)
    {
        var n = settings.SteadyTasks;
        progress($"Steady: {n} task(s) at {settings.Rate:0.#}/s.");
        var wakes = side.Wakes();
        var counts = side.Queue.WorkerCountsNow();
        var cpu = side.Queue.Workers.Select(w => w.Stats()).ToArray();
        side.Queue.ProducerStore.Reset();
        var input = Input(new JsonObject { ["bench"] = "steady" });
        var start = time.GetTimestamp();
        var submits = new List<(Guid Id, DateTimeOffset At)>();
        for (var i = 0; i < n; i++)
        {
            var due = TimeSpan.FromSeconds(i / settings.Rate) - time.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, time, ct);
            }

            var t0 = time.GetUtcNow();
            var task = await side.Client.SubmitAsync(QueueBenchSettings.Echo, input, null, ct);
            submits.Add((task.Id, t0));
        }

        var runs = await WaitForAsync(side, [.. submits.Select(s => s.Id)], r => r.End is not null, ClusterBenchSettings.PhaseTimeout, ct);
        var wall = time.GetElapsedTime(start);
        await Task.Delay(CountsFile.Period * 3, time, ct);
        var pickups = submits.Where(s => runs.TryGetValue(s.Id, out var r) && r.Start is not null).Select(s => (runs[s.Id].Start!.Value - s.At).TotalMilliseconds).ToList();
        var completed = submits.Count(s => runs.TryGetValue(s.Id, out var r) && r.Outcome == ExecutionOutcomes.Completed);
        return new SteadyResult(n, completed, pickups, side.Queue.ProducerStore.Snapshot(), CountsFile.Minus(side.Queue.WorkerCountsNow(), counts), side.Queue.Sample(cpu), side.Wakes().Minus(wakes), wall);
    }

    /// <summary>Cancel-to-handler: running sleep tasks cancelled one by one; each sample ends when its execution ends cancelled.</summary>
    private async Task<List<double>> CancelsAsync(Side side, CancellationToken ct)
    {
        var ms = new List<double>();
        if (settings.Cancels == 0)
        {
            return ms;
        }

        progress($"Cancels: {settings.Cancels} running buquet.sleep task(s), cancelled one by one.");
        var input = Input(new JsonObject { ["ms"] = 600_000 });
        var ids = new List<Guid>();
        for (var i = 0; i < settings.Cancels; i++)
        {
            ids.Add((await side.Client.SubmitAsync(QueueBenchSettings.Sleep, input, null, ct)).Id);
        }

        var running = await WaitForAsync(side, ids, r => r.Start is not null, ClusterBenchSettings.PhaseTimeout, ct);
        var requested = new List<(Guid Id, DateTimeOffset At)>();
        foreach (var id in ids)
        {
            var t0 = time.GetUtcNow();
            await side.Client.CancelAsync(id, "bench --cluster: cancel-to-handler sample", null, ct);
            if (running.TryGetValue(id, out var r) && r.Start is not null)
            {
                requested.Add((id, t0)); // a task not running yet when cancelled is no sample
            }
        }

        var ended = await WaitForAsync(side, ids, r => r.End is not null, ClusterBenchSettings.PhaseTimeout, ct);
        foreach (var (id, at) in requested)
        {
            if (ended.TryGetValue(id, out var r) && r is { End: { } end, Outcome: ExecutionOutcomes.Cancelled })
            {
                ms.Add((end - at).TotalMilliseconds);
            }
        }

        return ms;
    }

    /// <summary>Reads the execution log until every task in <paramref name="ids"/> satisfies <paramref name="done"/> or <paramref name="timeout"/> passes.</summary>
    private async Task<IReadOnlyDictionary<Guid, ExecutionTimes>> WaitForAsync(Side side, IReadOnlyCollection<Guid> ids, Func<ExecutionTimes, bool> done, TimeSpan timeout, CancellationToken ct)
    {
        var start = time.GetTimestamp();
        while (true)
        {
            var runs = ExecutionTimes.Read(side.ExecLog);
            if (ids.All(id => runs.TryGetValue(id, out var r) && done(r)))
            {
                return runs;
            }

            if (time.GetElapsedTime(start) > timeout)
            {
                progress($"Timed out after {timeout.TotalSeconds:0} s with {ids.Count(id => !(runs.TryGetValue(id, out var r) && done(r)))} of {ids.Count} task(s) not there yet.");
                return runs;
            }

            if (side.Queue.Workers.FirstOrDefault(w => w.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"Worker process {dead.Id} exited with code {dead.ExitCode} during the run:\n{dead.Tail()}");
            }

            await Task.Delay(LogPoll, time, ct);
        }
    }

    private static JsonElement Input(JsonObject value) => JsonSerializer.SerializeToElement(value, BuquetJsonContext.Default.JsonObject);
}
