using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Host.Bench;

/// <summary>The throughput run: submit, wait until terminal, read the timings.</summary>
internal sealed partial class QueueBenchmark
{
    private async Task<QueueRunResult> ThroughputAsync(BuquetClient client, int tasks, CancellationToken ct)
    {
        var workersBefore = WorkerCountsNow();
        var cpu = _workers.Select(w => w.Stats()).ToArray();
        _producerStore.Reset();
        var start = time.GetTimestamp();
        var keys = new ConcurrentBag<string>();
        var submitMs = new ConcurrentBag<double>();
        var next = -1;
        var input = JsonSerializer.SerializeToElement(
            settings.Handler == QueueBenchSettings.Sleep ? new JsonObject { ["ms"] = settings.SleepMs } : new JsonObject { ["bench"] = RunId },
            BuquetJsonContext.Default.JsonObject);
        await Task.WhenAll(Enumerable.Range(0, Math.Min(settings.Producers, tasks)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < tasks)
            {
                if (settings.Rate > 0)
                {
                    var due = TimeSpan.FromSeconds(i / settings.Rate) - time.GetElapsedTime(start);
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, time, ct);
                    }
                }

                var t0 = time.GetTimestamp();
                var task = await client.SubmitAsync(settings.Handler, input, null, ct);
                submitMs.Add(time.GetElapsedTime(t0).TotalMilliseconds);
                keys.Add(task.Key);
            }
        }, ct)));
        progress($"Submitted {keys.Count} task(s) in {time.GetElapsedTime(start).TotalSeconds:0.0} s; waiting for them to finish.");
        await WaitTerminalAsync([.. keys], ct);
        var wall = time.GetElapsedTime(start);

        // Worker processes rewrite their counts every CountsFile.Period: wait for the writes that cover the last task.
        await Task.Delay(CountsFile.Period * 3, time, ct);
        var workerCounts = CountsFile.Minus(WorkerCountsNow(), workersBefore);
        var producerCounts = _producerStore.Snapshot();
        var samples = Sample(cpu);
        var timings = await ReadTimingsAsync([.. keys], ct);
        return new QueueRunResult(keys.Count, timings, LatencySummary.Of(submitMs), producerCounts, workerCounts, samples, wall);
    }

    /// <summary>
    /// Waits until every task is terminal, reading through the undecorated store (not counted): while the ready or lease
    /// index has keys it only lists them (1 key each); when both are empty, or every 5 s, it reads the unfinished tasks.
    /// </summary>
    private async Task WaitTerminalAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        var open = new HashSet<string>(keys, StringComparer.Ordinal);
        var started = time.GetTimestamp();
        var lastFull = started;
        while (open.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            if (time.GetElapsedTime(started) > settings.Timeout)
            {
                progress($"Timed out with {open.Count} task(s) unfinished.");
                return;
            }

            if (_workers.FirstOrDefault(w => w.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"Worker process {dead.Id} exited with code {dead.ExitCode} during the run:\n{dead.Tail()}");
            }

            var ready = await store.ListAsync(new ListRequest(TaskKeys.ReadyRoot, MaxKeys: 1), ct);
            var leases = await store.ListAsync(new ListRequest(TaskKeys.LeasesRoot, MaxKeys: 1), ct);
            if ((ready.Objects.Count == 0 && leases.Objects.Count == 0) || time.GetElapsedTime(lastFull) > TimeSpan.FromSeconds(5))
            {
                lastFull = time.GetTimestamp();
                var finished = new ConcurrentBag<string>();
                await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (key, c) =>
                {
                    if (await store.GetAsync(key, c) is { } obj && TaskJson.Parse(obj.Body, key).IsTerminal)
                    {
                        finished.Add(key);
                    }
                });
                open.ExceptWith(finished);
                if (open.Count == 0)
                {
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
        }
    }

    private async Task<IReadOnlyList<TaskTimings>> ReadTimingsAsync(IReadOnlyList<string> keys, CancellationToken ct)
    {
        var all = new ConcurrentBag<TaskTimings>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (key, c) =>
        {
            if (await TaskTimings.ReadAsync(store, key, c) is { } t)
            {
                all.Add(t);
            }
        });
        return [.. all];
    }
}
