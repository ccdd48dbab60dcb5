using System.Net;
using System.Net.Sockets;
using Buquet.Actors.Client;
using Buquet.Actors.Cluster;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Host.Bench;

/// <summary>
/// <c>buquet bench --cluster</c>: the same fleet of worker processes twice in one run, first with the cluster off, then
/// clustered on loopback (bind 127.0.0.1, free ports) with this process as a member and seed, so the producer and the
/// canceller publish over the cluster (the internal <see cref="FleetCluster"/> handed to the client as its signals).
/// Each side measures the idle fleet, idle pickups, a steady rate and cancel-to-handler (issue 20's targets).
/// Pickup and cancel times come from the workers' execution logs (their local clock, the same machine's as this one).
/// </summary>
internal sealed partial class ClusterBenchmark(
    IObjectStore store, BuquetClientOptions clientOptions, ClusterBenchSettings settings, IReadOnlyList<string> workerArgs, TimeProvider time, ILoggerFactory logs, Action<string> progress)
{
    /// <summary>Loopback: the only address a benchmark's cluster binds and advertises.</summary>
    public const string Loopback = "127.0.0.1";

    public async Task<(ClusterSideResult Off, ClusterSideResult On)> RunAsync(CancellationToken ct)
    {
        settings.Validate();
        Directory.CreateDirectory(settings.WorkDirectory);
        var off = await SideAsync(cluster: false, ct);
        var on = await SideAsync(cluster: true, ct);
        return (off, on);
    }

    private async Task<ClusterSideResult> SideAsync(bool cluster, CancellationToken ct)
    {
        var name = cluster ? "on" : "off";
        var directory = Path.Combine(settings.WorkDirectory, name);
        var execLog = Path.Combine(directory, "exec");
        Directory.CreateDirectory(execLog);
        var environment = new Dictionary<string, string> { ["BUQUET_EXECUTION_LOG"] = execLog };
        var args = new List<string>(workerArgs);
        FleetCluster? fleet = null;
        if (cluster)
        {
            var port = FreeLoopbackPort();
            fleet = new FleetCluster(new FleetClusterSettings(Loopback, Loopback, port, [], TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5)), time, logs);
            fleet.Start(FleetInbox.PublishOnly);
            args.AddRange(["--cluster", "--cluster-port", "0", "--cluster-public-hostname", Loopback, "--cluster-seed-nodes", $"{Loopback}:{port}"]);
            environment["BUQUET_CLUSTER_BIND_HOSTNAME"] = Loopback;
        }

        var fleetSettings = new QueueBenchSettings(settings.Workers, settings.Concurrency, 1, QueueBenchSettings.Echo, 0, 1, 0, ClusterBenchSettings.PhaseTimeout, null, TimeSpan.Zero, 1, directory);
        var queue = new QueueBenchmark(store, clientOptions, fleetSettings, args, time, progress, environment);
        var client = new BuquetClient(queue.ProducerStore, clientOptions, null, time, null, fleet);
        var side = new Side(queue, client, execLog);
        try
        {
            progress($"Cluster {name}: starting {settings.Workers} worker process(es).");
            await queue.StartWorkersAsync(ct);
            var members = fleet is null ? 0 : await WaitForMembersAsync(fleet, settings.Workers + 1, ct);
            await WarmUpAsync(side, ct);
            await Task.Delay(settings.Settle, time, ct);
            var (idleCounts, idleSamples) = await IdleAsync(side, ct);
            var (pickupMs, submitted, pickupWakes) = await PickupsAsync(side, ct);
            var steady = await SteadyAsync(side, ct);
            var cancelMs = await CancelsAsync(side, ct);
            return new ClusterSideResult(cluster, members, settings.Idle, idleCounts, idleSamples, pickupMs, submitted, pickupWakes, steady, cancelMs, settings.Cancels);
        }
        finally
        {
            await queue.StopWorkersAsync();
            if (fleet is not null)
            {
                await fleet.DisposeAsync();
            }
        }
    }

    /// <summary>Waits (up to a minute) until <paramref name="expected"/> members are Up and reachable; returns how many are.</summary>
    private async Task<int> WaitForMembersAsync(FleetCluster fleet, int expected, CancellationToken ct)
    {
        var start = time.GetTimestamp();
        while (fleet.Status.Members < expected && time.GetElapsedTime(start) < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct);
        }

        var members = fleet.Status.Members;
        progress(members >= expected
            ? $"Cluster formed: {members} members Up (this process and {members - 1} worker(s)) after {time.GetElapsedTime(start).TotalSeconds:0.0} s."
            : $"Only {members} of {expected} cluster members Up after a minute; measuring anyway (the report shows the member count).");
        return members;
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>One side's fleet, producer and execution log.</summary>
    private sealed record Side(QueueBenchmark Queue, BuquetClient Client, string ExecLog)
    {
        public WakeCounts Wakes() => WakeCounts.Sum(Queue.Workers.Select(w => CountsFile.ReadWakes(w.CountsFile)));
    }
}
