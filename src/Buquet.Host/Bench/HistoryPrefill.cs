using System.Text.Json;
using System.Text.Json.Nodes;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Host.Bench;

/// <summary>What <see cref="HistoryPrefill"/> wrote.</summary>
/// <param name="Tasks">Processed tasks written.</param>
/// <param name="Elapsed">Wall time of the pre-fill.</param>
internal sealed record HistoryResult(int Tasks, TimeSpan Elapsed)
{
    public double TasksPerSecond => Elapsed > TimeSpan.Zero ? Tasks / Elapsed.TotalSeconds : 0;

    public JsonObject ToJson() => new()
    {
        ["tasks"] = Tasks,
        ["seconds"] = Math.Round(Elapsed.TotalSeconds, 2),
        ["tasks_per_second"] = Math.Round(TasksPerSecond, 1),
    };
}

/// <summary>
/// <c>buquet bench --history N</c>: before the measured run, leaves in the store what N tasks processed by a worker
/// leave, through the product's own code rather than hand-written keys: the client's submit (task object + ready key),
/// the repository's claim (GET, compare-and-swap to running, lease key, ready key deleted) and completion
/// (compare-and-swap to completed with the echo output, lease key deleted). So each task keeps its three versions and
/// its deleted index keys exactly as a worker leaves them. Runs <see cref="Parallelism"/> tasks at once, with no
/// worker process, polling or clock probes beyond the store clock's own.
/// </summary>
internal sealed class HistoryPrefill(IObjectStore store, BuquetClientOptions clientOptions, TimeProvider time, Action<string> progress)
{
    public const int Parallelism = 64;

    /// <summary>The worker id stamped on the history's claims.</summary>
    public const string WorkerId = "bench-history";

    public async Task<HistoryResult> RunAsync(int tasks, string handler, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tasks);
        var client = new BuquetClient(store, clientOptions, time);
        var repository = client.Repository;
        var input = JsonSerializer.SerializeToElement(new JsonObject { ["history"] = true }, BuquetJsonContext.Default.JsonObject);
        var start = time.GetTimestamp();
        var done = 0;
        var report = Math.Max(1000, tasks / 10);
        await Parallel.ForEachAsync(Enumerable.Range(0, tasks), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (_, c) =>
        {
            var submitted = await client.SubmitAsync(handler, input, null, c);
            var claim = await repository.ClaimAsync(submitted.Id, WorkerId, c);
            for (var retry = 0; retry < 5 && claim.Status == ClaimStatus.NotAvailable; retry++)
            {
                // The store clock's estimate can step back by a few ms when it re-syncs (the first sync's latency, e.g.
                // JIT, made it run ahead), so a task stamped available "now" may not be available yet: wait it out.
                var wait = submitted.AvailableAt - await client.GetStoreTimeAsync(c);
                await Task.Delay(wait > TimeSpan.Zero ? wait + TimeSpan.FromMilliseconds(1) : TimeSpan.FromMilliseconds(1), time, c);
                claim = await repository.ClaimAsync(submitted.Id, WorkerId, c);
            }

            if (!claim.Claimed)
            {
                throw new InvalidOperationException($"History pre-fill could not claim its own task {submitted.Id}: {claim.Status} {claim.Message}. Is a worker running on this store?");
            }

            var completed = await repository.CompleteAsync(claim.Snapshot!, input, null, c);
            if (!completed.Succeeded)
            {
                throw new InvalidOperationException($"History pre-fill could not complete its own task {submitted.Id}: {completed.Status} {completed.Message}.");
            }

            var n = Interlocked.Increment(ref done);
            if (n % report == 0)
            {
                progress($"  history: {n}/{tasks} processed tasks written ({n / time.GetElapsedTime(start).TotalSeconds:0} tasks/s)");
            }
        });
        return new HistoryResult(tasks, time.GetElapsedTime(start));
    }
}
