using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Dashboard;

namespace Buquet.Host.Bench;

/// <summary>Settings of <c>buquet bench dashboard</c>.</summary>
internal sealed record DashboardBenchSettings(int Tasks, int Changed, int Clients, int Refreshes, int Concurrency)
{
    /// <exception cref="ArgumentException">A value is out of range (the message names it).</exception>
    public void Validate()
    {
        Check(Tasks is >= 10 and <= 1_000_000, $"--tasks {Tasks} must be 10..1000000.");
        Check(Changed >= 1 && Changed <= Tasks / 2, $"--changed {Changed} must be 1..half of --tasks ({Tasks / 2}).");
        Check(Clients is >= 1 and <= 1000, $"--clients {Clients} must be 1..1000.");
        Check(Refreshes is >= 1 and <= 1000, $"--refreshes {Refreshes} must be 1..1000.");
        Check(Concurrency is >= 1 and <= 256, $"--concurrency {Concurrency} must be 1..256.");
    }

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw new ArgumentException(message);
        }
    }
}

/// <summary>
/// The dashboard's request budget against a filled store: fills it with tasks in mixed states (half pending, a tenth
/// running, three tenths completed, a tenth failed), starts a real dashboard (Kestrel on 127.0.0.1, its background
/// refresh parked) over a request-counting store, and counts S3 requests by operation for the cold first load,
/// refreshes with nothing changed, refreshes after <see cref="DashboardBenchSettings.Changed"/> tasks changed (until
/// the cache shows all of them), and with <see cref="DashboardBenchSettings.Clients"/> server-sent-event clients connected.
/// </summary>
internal sealed partial class DashboardBenchmark(IObjectStore store, BuquetOptions options, DashboardBenchSettings settings, TimeProvider time, Action<string> progress)
{
    private readonly RequestCountingObjectStore _counting = new(store);
    private readonly BuquetClient _producer = new(store, new BuquetClientOptions { ShardPrefixLength = options.Queue.ShardPrefixLength }, time);

    public async Task<DashboardBenchResult> RunAsync(CancellationToken ct)
    {
        var (states, pendingIds) = await FillAsync(ct).ConfigureAwait(false);
        var cacheOptions = new DashboardCacheOptions { RefreshInterval = TimeSpan.FromDays(1) };
        var dashOptions = new BuquetOptions();
        dashOptions.Queue.ShardPrefixLength = options.Queue.ShardPrefixLength;
        dashOptions.Dashboard.BindAddress = "127.0.0.1";
        dashOptions.Dashboard.Port = 0;

        progress("Cold start: conformance probe, full listing and a GET of every task.");
        _counting.Reset();
        var started = time.GetTimestamp();
        await using var server = DashboardServer.Create(dashOptions, _counting, null, null, time, cacheOptions);
        await server.StartAsync(ct).ConfigureAwait(false);
        await server.WaitUntilWarmAsync(ct).ConfigureAwait(false);
        var cold = new Phase(RequestMix.From(_counting.SnapshotAndReset()), 1, time.GetElapsedTime(started).TotalSeconds);
        var cache = server.Runtime.Cache;

        progress($"{settings.Refreshes} refreshes with nothing changed.");
        var unchanged = await RefreshesAsync(cache, settings.Refreshes, ct).ConfigureAwait(false);

        progress($"Cancelling {settings.Changed} pending tasks, then refreshing until the dashboard shows them all.");
        var changed = await AfterChangesAsync(cache, pendingIds.Take(settings.Changed).ToArray(), ct).ConfigureAwait(false);

        progress($"Connecting {settings.Clients} server-sent-event clients.");
        var sse = await WithClientsAsync(server, ct).ConfigureAwait(false);
        return new DashboardBenchResult(settings, states, cacheOptions, cold, unchanged, changed, sse);
    }

    private async Task<Phase> RefreshesAsync(DashboardCache cache, int count, CancellationToken ct)
    {
        var total = RequestMix.Zero;
        double max = 0;
        var started = time.GetTimestamp();
        _counting.Reset();
        for (var i = 0; i < count; i++)
        {
            await cache.RefreshAsync(ct).ConfigureAwait(false);
            var one = RequestMix.From(_counting.SnapshotAndReset());
            total = total.Plus(one);
            max = Math.Max(max, one.Total);
        }

        return new Phase(total, count, time.GetElapsedTime(started).TotalSeconds, max);
    }

    private async Task<ChangePhase> AfterChangesAsync(DashboardCache cache, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = ct }, async (id, token) =>
        {
            var result = await _producer.CancelAsync(id, "bench dashboard", "bench", token).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"Cancelling task {id:D} failed: {result.Status} {result.Message}");
            }
        }).ConfigureAwait(false);

        var wanted = ids.ToHashSet();
        var total = RequestMix.Zero;
        RequestMix? first = null;
        double max = 0;
        var refreshes = 0;
        _counting.Reset();
        while (cache.Snapshot.Tasks.Count(t => wanted.Contains(t.Id) && t.Status == BuquetTaskStatus.Cancelled) < wanted.Count)
        {
            if (refreshes >= 1000)
            {
                throw new InvalidOperationException($"The dashboard did not show all {wanted.Count} changes after {refreshes} refreshes.");
            }

            await cache.RefreshAsync(ct).ConfigureAwait(false);
            var one = RequestMix.From(_counting.SnapshotAndReset());
            first ??= one;
            total = total.Plus(one);
            max = Math.Max(max, one.Total);
            refreshes++;
        }

        return new ChangePhase(ids.Count, first ?? RequestMix.Zero, new Phase(total, refreshes, 0, max));
    }
}

/// <summary>Requests of a phase: <see cref="Total"/> over <see cref="Refreshes"/> refreshes, the largest single refresh.</summary>
internal sealed record Phase(RequestMix Total, int Refreshes, double Seconds, double MaxPerRefresh = 0)
{
    public RequestMix PerRefresh => Total.Per(Refreshes);
}

/// <summary>The refreshes until every changed task showed, and the first of them.</summary>
internal sealed record ChangePhase(int Changed, RequestMix FirstRefresh, Phase UntilVisible);

/// <summary>
/// Server-sent-event clients: the mean refresh without and with them connected (nothing changed), the requests counted
/// while they were connected outside refreshes, and the refreshes until a new task reached them.
/// </summary>
internal sealed record SsePhase(int Clients, RequestMix RefreshWithout, RequestMix RefreshWith, RequestMix BetweenRefreshes, int ClientsUpdated, Phase Delivery)
{
    /// <summary>
    /// Extra requests per connected client: the difference of the cache's own requests (LIST, GET, DELETE) per refresh
    /// with and without clients, plus whatever was counted outside refreshes. Store-clock syncs (PUT + HEAD every 5 s of
    /// wall time) are left out: they follow elapsed time, not clients.
    /// </summary>
    public double PerClient => Math.Max(0, Data(RefreshWith) - Data(RefreshWithout) + BetweenRefreshes.Total) / Clients;

    private static double Data(RequestMix m) => m.List + m.Get + m.Delete;
}

internal sealed record DashboardBenchResult(
    DashboardBenchSettings Settings,
    IReadOnlyDictionary<string, int> States,
    DashboardCacheOptions Cache,
    Phase Cold,
    Phase Unchanged,
    ChangePhase Changed,
    SsePhase Sse);
