using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Buquet.Actors.Client;
using Buquet.Host.Dashboard;

namespace Buquet.Host.Bench;

internal sealed partial class DashboardBenchmark
{
    private const string LiveQuery = "/events?p=%2Fpartials%2Foverview&p=%2Fpartials%2Ftasks";

    private async Task<(IReadOnlyDictionary<string, int> States, IReadOnlyList<Guid> Pending)> FillAsync(CancellationToken ct)
    {
        progress($"Filling the store with {settings.Tasks} tasks (pending 50%, running 10%, completed 30%, failed 10%).");
        var pending = new ConcurrentBag<Guid>();
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Tasks), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = ct }, async (i, token) =>
        {
            var state = (i % 10) switch
            {
                < 5 => "pending",
                5 => "running",
                < 9 => "completed",
                _ => "failed",
            };
            var task = await _producer.SubmitAsync("bench.dashboard." + (i % 3), new JsonObject { ["i"] = i }, new SubmitOptions { MaxRetries = 0 }, token).ConfigureAwait(false);
            if (state == "pending")
            {
                pending.Add(task.Id);
            }
            else
            {
                var claim = await _producer.Repository.ClaimAsync(task.Id, "bench-dashboard-worker", token).ConfigureAwait(false);
                for (var attempt = 0; !claim.Claimed && attempt < 20; attempt++)
                {
                    // Stores stamping whole seconds (moto) can report a just-submitted task as not yet available.
                    await Task.Delay(TimeSpan.FromMilliseconds(250), time, token).ConfigureAwait(false);
                    claim = await _producer.Repository.ClaimAsync(task.Id, "bench-dashboard-worker", token).ConfigureAwait(false);
                }

                if (!claim.Claimed)
                {
                    throw new InvalidOperationException($"Claiming task {task.Id:D} failed: {claim.Message}");
                }

                var outcome = state switch
                {
                    "completed" => await _producer.Repository.CompleteAsync(claim.Snapshot!, null, null, token).ConfigureAwait(false),
                    "failed" => await _producer.Repository.FailAsync(claim.Snapshot!, "bench failure", token).ConfigureAwait(false),
                    _ => null,
                };
                if (outcome is { Succeeded: false })
                {
                    throw new InvalidOperationException($"Moving task {task.Id:D} to {state} failed: {outcome.Message}");
                }
            }

            counts.AddOrUpdate(state, 1, (_, n) => n + 1);
            if (Interlocked.Increment(ref done) % 1000 == 0)
            {
                progress($"  {done} tasks written");
            }
        }).ConfigureAwait(false);
        return (counts.ToDictionary(StringComparer.Ordinal), pending.ToArray());
    }

    private async Task<SsePhase> WithClientsAsync(DashboardServer server, CancellationToken ct)
    {
        var cache = server.Runtime.Cache;
        var without = await RefreshesAsync(cache, settings.Refreshes, ct).ConfigureAwait(false);

        using var http = new HttpClient { BaseAddress = server.Address, Timeout = Timeout.InfiniteTimeSpan };
        var clients = new List<(HttpResponseMessage Response, StreamReader Reader)>();
        try
        {
            _counting.Reset();
            for (var i = 0; i < settings.Clients; i++)
            {
                var response = await http.GetAsync(new Uri(LiveQuery, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
                clients.Add((response, reader));
                await ReadUntilAsync(reader, "event: fragment", ct).ConfigureAwait(false);
            }

            var between = RequestMix.From(_counting.SnapshotAndReset());
            var with = await RefreshesAsync(cache, settings.Refreshes, ct).ConfigureAwait(false);

            // One new task, refreshed until the cache has it; every client must receive it.
            var task = await _producer.SubmitAsync("bench.dashboard.live", new JsonObject { ["live"] = true }, cancellationToken: ct).ConfigureAwait(false);
            var refreshes = 0;
            while (!cache.Snapshot.Tasks.Any(t => t.Id == task.Id))
            {
                if (++refreshes > 1000)
                {
                    throw new InvalidOperationException($"The dashboard did not show task {task.Id:D} after 1000 refreshes.");
                }

                await cache.RefreshAsync(ct).ConfigureAwait(false);
            }

            var delivery = RequestMix.From(_counting.SnapshotAndReset());
            var updated = 0;
            foreach (var (_, reader) in clients)
            {
                await ReadUntilAsync(reader, task.Id.ToString("D"), ct).ConfigureAwait(false);
                updated++;
            }

            between = between.Plus(RequestMix.From(_counting.SnapshotAndReset()));
            return new SsePhase(settings.Clients, without.PerRefresh, with.PerRefresh, between, updated, new Phase(delivery, refreshes, 0));
        }
        finally
        {
            foreach (var (response, reader) in clients)
            {
                reader.Dispose();
                response.Dispose();
            }
        }
    }

    private static async Task ReadUntilAsync(StreamReader reader, string text, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await reader.ReadLineAsync(cts.Token).ConfigureAwait(false) ?? throw new InvalidOperationException("The event stream ended.");
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return;
            }
        }
    }
}
