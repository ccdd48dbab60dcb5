using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.IntegrationTests.Processes;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Actors.IntegrationTests.Cluster;

/// <summary>
/// A clustered fleet of <c>buquet worker --cluster</c> OS processes on loopback (ADR 0026), sharing one local (SQLite)
/// store in a temp directory: every node lists every node as a seed, binds 127.0.0.1 on a free port and serves
/// <c>/metrics</c> on another. Node 0 is the first seed (the only one that may form the cluster, so the oldest member)
/// and has the highest port; node 1 has the lowest port (the lowest address, Akka's leader while reachable); node 2,
/// when present, is neither. Every wait polls observable state (the registry, <c>/metrics</c>) and fails as soon as a
/// worker that was not killed has exited.
/// </summary>
internal sealed class ClusterFleet : IDisposable
{
    /// <summary>Short failure handling so a case stays well under 90 s: down after 2 s, 5 s task leases, 4 s shard leases.</summary>
    private const string Settings = """
        buquet {
          worker { concurrency = 4, lease-ttl = 5s, drain-deadline = 5s, shutdown-grace = 2s, heartbeat-interval = 1s, idle-heartbeat-interval = 1s
                   polling { min-interval = 50ms, max-interval = 500ms }
                   shard-leasing { lease-ttl = 4s, renewal-interval = 1s } }
          monitor { check-interval = 1s, sweep-interval = 10s }
          telemetry.prometheus-enabled = true
          cluster { bind-hostname = "127.0.0.1", down-unreachable-after = 2s, rejoin-delay = 1s }
        }
        """;

    private readonly string _root;
    private readonly string _config;
    private readonly int[] _clusterPorts;
    private readonly int[] _metricsPorts;
    private readonly WorkerProcess?[] _workers;
    private readonly bool[] _killed;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private ClusterFleet(int nodes, IObjectStore store, string root)
    {
        _root = root;
        Store = store;
        _config = Path.Combine(root, "fleet.conf");
        File.WriteAllText(_config, Settings + $"\nbuquet.worker.execution-log = \"{LogDirectory}\"\n");
        var ports = FreePorts(nodes).Order().ToArray();
        // Node 0: the highest port (first seed, oldest); node 1: the lowest; node 2: in between.
        _clusterPorts = [ports[^1], ports[0], .. ports[1..^1]];
        _metricsPorts = FreePorts(nodes);
        _workers = new WorkerProcess?[nodes];
        _killed = new bool[nodes];
        Seeds = string.Join(",", _clusterPorts.Select(p => $"127.0.0.1:{p}"));
    }

    /// <summary>The shared store, opened as <c>buquet worker --store local</c> opens it.</summary>
    public IObjectStore Store { get; }

    /// <summary>Every node as a seed, first seed first (<c>host:port,...</c>).</summary>
    public string Seeds { get; }

    /// <summary>The workers' execution log directory.</summary>
    public string LogDirectory => Path.Combine(_root, "exec");

    public int Count => _workers.Length;

    /// <summary>Indexes of the nodes that were not killed (or were restarted).</summary>
    public IEnumerable<int> Live => Enumerable.Range(0, Count).Where(i => !_killed[i]);

    /// <summary>A fleet of <paramref name="nodes"/> workers, all started at once.</summary>
    public static async Task<ClusterFleet> StartAsync(int nodes)
    {
        var root = Path.Combine(Path.GetTempPath(), $"buquet-cluster-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var store = await ObjectStoreFactory.CreateAsync(
            new StoreOptions { Kind = StoreKind.Local, Local = new LocalStoreOptions { Path = Path.Combine(root, "store") } }, StoreAccess.ReadWrite);
        var fleet = new ClusterFleet(nodes, store, root);
        for (var i = 0; i < nodes; i++)
        {
            fleet.Start(i);
        }

        return fleet;
    }

    public static string Id(int node) => $"node-{node}";

    /// <summary>The cluster port of <paramref name="node"/>.</summary>
    public int ClusterPort(int node) => _clusterPorts[node];

    /// <summary>SIGKILL: no leave, no drain, leases and shard leases left behind.</summary>
    public void Kill(int node)
    {
        _killed[node] = true;
        _workers[node]!.Kill();
    }

    /// <summary>Starts <paramref name="node"/> again with its id, ports and seeds (a restarted pod of a StatefulSet).</summary>
    public void Restart(int node)
    {
        _workers[node]!.Dispose();
        Start(node);
        _killed[node] = false;
    }

    /// <summary>The <c>cluster</c> field of <paramref name="node"/>'s registry entry and when that entry's process started.</summary>
    public async Task<(string? Cluster, DateTimeOffset StartedAt)?> RegistryAsync(int node)
    {
        var stored = await Store.GetAsync(TaskKeys.WorkersRoot + Id(node) + ".json");
        if (stored is null)
        {
            return null;
        }

        var info = ModelJson.ParseWorker(stored.Body, stored.Key);
        return (info.Cluster, info.StartedAt);
    }

    /// <summary>The wake-up and pickup counters of <paramref name="node"/>'s <c>/metrics</c>.</summary>
    public async Task<WakePaths> ScrapeAsync(int node) =>
        WakePaths.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{_metricsPorts[node]}/metrics")));

    /// <summary>Fails when a worker that was not killed has exited (at any point of a case).</summary>
    public void AssertNoLiveWorkerExited()
    {
        foreach (var i in Live)
        {
            var worker = _workers[i]!;
            Assert.False(worker.HasExited, $"{worker.Id} exited with code {worker.ExitCode}:{Environment.NewLine}{WorkerFleetTests.Tail(worker.Output())}");
        }
    }

    /// <summary>Re-checks <paramref name="condition"/> every 200 ms until it holds; fails after <paramref name="guard"/> or when a live worker exits.</summary>
    public async Task UntilAsync(Func<Task<bool>> condition, TimeSpan guard, string what)
    {
        var start = TimeProvider.System.GetTimestamp();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (true)
        {
            AssertNoLiveWorkerExited();
            if (await condition())
            {
                return;
            }

            if (TimeProvider.System.GetElapsedTime(start) > guard)
            {
                Assert.Fail($"{what}: not reached within {guard}.{Environment.NewLine}{await DescribeAsync()}");
            }

            await tick.WaitForNextTickAsync();
        }
    }

    /// <summary>SIGTERMs every live worker and returns their exit codes by id (a graceful stop exits 0).</summary>
    public async Task<Dictionary<string, int?>> StopAsync()
    {
        var live = Live.Select(i => _workers[i]!).ToList();
        await Task.WhenAll(live.Select(w => w.StopAsync(TimeSpan.FromSeconds(30))));
        return live.ToDictionary(w => w.Id, w => w.ExitCode);
    }

    /// <summary>How many lines of the current worker processes' output contain <paramref name="text"/>.</summary>
    public int CountInOutput(string text) =>
        _workers.Sum(w => w is null ? 0 : w.Output().Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal)));

    /// <summary>For failure messages: each node's registry state and output tail.</summary>
    public async Task<string> DescribeAsync()
    {
        var lines = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            var entry = await RegistryAsync(i);
            var worker = _workers[i]!;
            lines.Add($"--- {worker.Id} (cluster port {_clusterPorts[i]}, {(_killed[i] ? "killed" : worker.HasExited ? $"exited {worker.ExitCode}" : "running")}, registry: {entry?.Cluster ?? "none"}) ---");
            lines.Add(WorkerFleetTests.Tail(worker.Output()));
        }

        return string.Join(Environment.NewLine, lines);
    }

    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker?.Dispose();
        }

        _http.Dispose();
        (Store as IDisposable)?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A killed process's file may still be closing; the temp directory is left behind.
        }
    }

    private void Start(int node) => _workers[node] = WorkerProcess.StartLocal(
        Path.Combine(_root, "store"),
        Id(node),
        _config,
        new Dictionary<string, string> { ["BUQUET_METRICS_PROMETHEUS_PORT"] = _metricsPorts[node].ToString(CultureInfo.InvariantCulture) },
        "--cluster", "--cluster-port", _clusterPorts[node].ToString(CultureInfo.InvariantCulture), "--cluster-public-hostname", "127.0.0.1", "--cluster-seed-nodes", Seeds);

    /// <summary>Distinct free loopback ports (all listeners held until every port is known).</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
