using Buquet.Actors.Client;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Buquet.Host.Dashboard;

/// <summary>Everything the endpoints share: client, cache, auth, readiness, metrics, and the refresh loop.</summary>
internal sealed class DashboardRuntime(
    BuquetClient client,
    DashboardCache cache,
    DashboardAuth auth,
    StoreReadiness readiness,
    MeterProvider meters,
    int shardPrefixLength,
    TimeSpan workerHealthThreshold,
    TimeProvider time) : IDisposable
{
    public BuquetClient Client { get; } = client;

    public DashboardCache Cache { get; } = cache;

    public DashboardAuth Auth { get; } = auth;

    public StoreReadiness Readiness { get; } = readiness;

    /// <summary>The provider behind <c>/metrics</c> (<see cref="BuquetPrometheus"/>).</summary>
    public MeterProvider Meters { get; } = meters;

    public int ShardPrefixLength { get; } = shardPrefixLength;

    public TimeSpan WorkerHealthThreshold { get; } = workerHealthThreshold;

    public TimeProvider Time { get; } = time;

    /// <summary>The zone of schedules without extensions (<c>buquet.scheduler.default-time-zone</c>), as <c>schedule show</c> uses.</summary>
    public string? DefaultTimeZone { get; init; }

    public TaskCompletionSource Warm { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _liveStreams;

    /// <summary>Server-sent-event streams open now (<c>/events</c>).</summary>
    public int LiveStreams => Volatile.Read(ref _liveStreams);

    public void LiveStreamOpened() => Interlocked.Increment(ref _liveStreams);

    public void LiveStreamClosed() => Interlocked.Decrement(ref _liveStreams);

    public async Task RunAsync(ILogger logger, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    if (!Readiness.IsReady)
                    {
                        if (await Readiness.ProbeAsync(Guid.NewGuid(), ct).ConfigureAwait(false))
                        {
                            continue;
                        }

                        logger.LogWarning("Store conformance probe failed: {Problem}", Readiness.Problem);
                    }
                    else if (!Cache.IsWarm)
                    {
                        // The warm-up listed everything: the first bounded refresh waits for the interval.
                        await Cache.WarmUpAsync(ct).ConfigureAwait(false);
                        Warm.TrySetResult();
                    }
                    else
                    {
                        await Cache.RefreshAsync(ct).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Dashboard refresh failed; retrying at the next interval");
                }

                await Task.Delay(Cache.Options.RefreshInterval, Time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public void Dispose() => Meters.Dispose();
}
