using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Buquet.Actors.ChaosTests.History;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.ChaosTests.Proxy;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>What a chaos run produced.</summary>
public sealed record ChaosResult(ChaosSettings Settings, HistoryReport Report, string RunDirectory, TimeSpan Elapsed);

/// <summary>
/// A chaos run with real processes: moto behind a <see cref="FaultProxy"/>, N <c>buquet worker</c> processes talking
/// to the proxy (and writing the execution log), an in-process producer submitting through the proxy, SIGKILL/SIGTERM
/// of random workers at seeded random times with restarts, blackhole periods; then, without faults, a settle phase until
/// every task is terminal (or the deadline), a graceful stop, and the <see cref="HistoryChecker"/>.
/// </summary>
public sealed partial class ChaosRun : IAsyncDisposable
{
    private readonly ChaosSettings _s;
    private readonly Action<string> _say;
    private readonly Random _random;
    private readonly string _dir;
    private readonly List<WorkerKill> _kills = [];
    private readonly Dictionary<string, long> _signals = new() { ["SIGKILL"] = 0, ["SIGTERM"] = 0, ["blackhole periods"] = 0 };
    private readonly WorkerProcess?[] _workers;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _disposed = new();
    private FaultProxy? _proxy;
    private S3ObjectStore? _direct;
    private S3ObjectStore? _producerStore;
    private string _bucket = "";
    private ChaosBackend? _backend;
    private TimeSpan _storeOffset;
    private int _restarts;

    /// <summary>Prepares a run; <paramref name="say"/> receives progress lines (seed first).</summary>
    public ChaosRun(ChaosSettings settings, Action<string> say)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _s = settings.Validated();
        _say = say;
        _random = new Random(settings.Seed);
        _workers = new WorkerProcess?[settings.Workers];
        _dir = Path.Combine(Path.GetTempPath(), $"buquet-chaos-{settings.Seed}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(_dir);
        Directory.CreateDirectory(ExecLogDir);
    }

    private string ExecLogDir => Path.Combine(_dir, "exec");

    /// <summary>The built host to start as workers.</summary>
    public static string HostDll(ChaosSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var path = settings.HostDll ?? typeof(ChaosRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BuquetHostDll").Value!;
        return File.Exists(path) ? path : throw new InvalidOperationException($"The buquet host '{path}' does not exist: build src/Buquet.Host (or set BUQUET_CHAOS_HOST_DLL).");
    }

    /// <summary>Runs the scenario and checks the history.</summary>
    public async Task<ChaosResult> RunAsync(CancellationToken cancellationToken = default)
    {
        _say($"chaos seed {_s.Seed}: {_s.Tasks} tasks, {_s.Workers} workers × {_s.Concurrency}, kill every ~{_s.KillEvery}, lease {_s.LeaseTtl}, faults ×{_s.FaultIntensity}, store {_s.Store}, up to {_s.Duration}; run dir {_dir}");
        var host = HostDll(_s);
        _backend = ChaosBackend.FromName(_s.Store);
        _bucket = await _backend.CreateBucketAsync();
        _proxy = await FaultProxy.StartAsync(_backend.Endpoint, new FaultDecider(FaultPlan.None, _s.Seed), cancellationToken: cancellationToken);
        _direct = await S3ObjectStore.CreateAsync(_backend.StoreOptions(_backend.Endpoint, _bucket), cancellationToken: cancellationToken);
        _producerStore = await S3ObjectStore.CreateAsync(_backend.StoreOptions(_proxy.Address, _bucket, TimeSpan.FromSeconds(3)), cancellationToken: cancellationToken);
        var truth = new BuquetClient(_direct);
        var producer = new BuquetClient(_producerStore);
        _storeOffset = await truth.GetStoreTimeAsync(cancellationToken) - TimeProvider.System.GetUtcNow();
        WriteConfig();
        await SeedJunkAsync(_direct, cancellationToken);
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = StartWorker(host, i);
        }

        await WaitWorkersReadyAsync(cancellationToken);
        _proxy.Faults.Plan = _s.Plan;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var deadline = _s.Duration;
        var submit = ChaosProducer.SubmitPlanAsync(producer, _s, _random, stop.Token);
        var chaos = ChaosLoopAsync(host, stop.Token);
        var plan = await submit;
        _say($"{_clock.Elapsed:mm\\:ss} submitted {plan.Count} tasks");
        var ids = plan.Select(p => p.Id).ToList();
        var faultsUntil = deadline * 2 / 3;
        await WaitAllTerminalAsync(truth, ids, faultsUntil, cancellationToken);
        await stop.CancelAsync();
        await chaos;
        _proxy.Faults.Plan = FaultPlan.None;
        EnsureAllWorkersRunning(host);
        _say($"{_clock.Elapsed:mm\\:ss} faults off; settling");
        var stall = _s.LeaseTtl * 3 + _s.MonitorInterval * 2 + TimeSpan.FromSeconds(20);
        var left = await WaitAllTerminalAsync(truth, ids, deadline, cancellationToken, stall);
        var settle = left == 0 ? null : _clock.Elapsed >= deadline
            ? $"{left} task(s) not terminal when the run's duration ({deadline}) ran out while still progressing: the scenario is too big for this machine (lower BUQUET_CHAOS_TASKS)"
            : $"{left} task(s) made no progress for {stall} after the faults stopped";
        await StopWorkersAsync();
        var checkedAt = await truth.GetStoreTimeAsync(cancellationToken);
        var final = await FinalStateReader.ReadAsync(truth, ids, 16, cancellationToken);
        var log = ExecutionLogReader.ReadDirectory(ExecLogDir);
        HistoryReport report = HistoryChecker.Check(plan, final, log, new HistoryCheckOptions
        {
            LeaseTtl = _s.LeaseTtl,
            CheckedAt = checkedAt,
            Kills = _kills,
            MaxRecovery = _s.MaxRecovery,
            RequireExecutionForCompleted = _s.RequireExecutionLog,
            Seed = _s.Seed,
        }) with
        {
            FaultsInjected = _proxy.Faults.Counts().Where(kv => kv.Value > 0).Select(kv => new KeyValuePair<string, long>(kv.Key.ToString(), kv.Value))
                .Concat(_signals.Select(kv => kv)).Append(new("worker restarts", _restarts)).ToDictionary(kv => kv.Key, kv => kv.Value),
        };
        if (settle is not null)
        {
            report = report with { Violations = [.. report.Violations, settle] };
        }

        if (_unexpectedExits.Count > 0)
        {
            report = report with { Violations = [.. report.Violations, .. _unexpectedExits.Select(e => "worker process: " + e)] };
        }

        _say(report.ToMarkdown($"seed {_s.Seed}"));
        return new ChaosResult(_s, report, _dir, _clock.Elapsed);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Stops a run abandoned by a timeout: no kill loop may restart workers after this.
        await _disposed.CancelAsync();
        foreach (var w in _workers)
        {
            w?.Dispose();
        }

        _direct?.Dispose();
        _producerStore?.Dispose();
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        _disposed.Dispose();
        if (!_s.Keep)
        {
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    private static string Stamp(TimeSpan t) => t.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
}
