using System.Globalization;
using Buquet.Actors.ChaosTests.History;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>Worker processes: configuration, start, the kill loop, restarts, the graceful stop.</summary>
public sealed partial class ChaosRun
{
    private readonly List<string> _unexpectedExits = [];

    /// <summary>
    /// Expected exit after SIGTERM: the worker's own bound (drain-deadline 5 s + shutdown-grace 3 s + the host's 15 s
    /// margin) plus 5 s. Slower exits are counted in the report.
    /// </summary>
    private static readonly TimeSpan SigtermBar = TimeSpan.FromSeconds(28);

    /// <summary>A worker still running this long after SIGTERM ignores it: a violation (it is then SIGKILLed).</summary>
    private static readonly TimeSpan SigtermHang = TimeSpan.FromSeconds(90);

    private string ConfigPath => Path.Combine(_dir, "chaos.conf");

    /// <summary>
    /// The index sweeper's period: BUQUET_CHAOS_SWEEP_INTERVAL, default 30s. A soak with thousands of tasks needs more
    /// (every pass walks every object, and a LIST's cost grows with the bucket); scripts/chaos.sh sets 2m.
    /// </summary>
    private static string SweepInterval() => Environment.GetEnvironmentVariable("BUQUET_CHAOS_SWEEP_INTERVAL") is { Length: > 0 } v ? v : "30s";

    /// <summary>Waits for a SIGTERMed worker: slower than <see cref="SigtermBar"/> is counted (finding 6), slower than <see cref="SigtermHang"/> (90 s) fails.</summary>
    private async Task<bool> WaitForSigtermExitAsync(WorkerProcess w)
    {
        if (await w.WaitForExitAsync(SigtermBar))
        {
            return true;
        }

        _signals[SlowSigtermExits] = _signals.GetValueOrDefault(SlowSigtermExits) + 1;
        return await w.WaitForExitAsync(SigtermHang - SigtermBar);
    }

    private const string SlowSigtermExits = "SIGTERM exits slower than 28 s";

    /// <summary>
    /// BUQUET_CHAOS_SHARD_LEASING=1 keeps shard leasing on (short leases, 8 shards per worker so two live workers cover
    /// all 16); by default every worker polls every shard (docs/reliability.md, finding 8).
    /// </summary>
    private static string ShardLeasing() => Environment.GetEnvironmentVariable("BUQUET_CHAOS_SHARD_LEASING") is "1" or "true"
        ? "shard-leasing { lease-ttl = 6s, renewal-interval = 2s }"
        : "shard-leasing.enabled = false";

    private static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    private void WriteConfig() => File.WriteAllText(ConfigPath, $$"""
        buquet {
          store {
            request-timeout = 3s
            s3 {
              force-path-style = true
              allow-no-versioning = {{(_backend!.Versioned ? "false" : "true")}}
            }
          }
          queue {
            default-timeout = {{Ms(_s.LeaseTtl)}}
          }
          worker {
            concurrency = {{_s.Concurrency}}
            lease-ttl = {{Ms(_s.LeaseTtl)}}
            drain-deadline = 5s
            shutdown-grace = 3s
            heartbeat-interval = 2s
            idle-heartbeat-interval = 2s
            polling {
              min-interval = 100ms
              max-interval = 1s
            }
            {{ShardLeasing()}}
          }
          monitor {
            # The lease key is written before the claim (docs/reliability.md, finding 7), so recovery never waits for
            # the sweeper; the sweeper still repairs junk and lost ready keys.
            sweep-interval = {{SweepInterval()}}
            check-interval = {{Ms(_s.MonitorInterval)}}
            worker-health-threshold = {{Ms(_s.MonitorInterval * 3)}}
          }
        }

        """);

    /// <summary>
    /// <c>dotnet buquet.dll worker ...</c>; BUQUET_CHAOS_WORKER_ARGS overrides the arguments after the dll (placeholders
    /// {config} {bucket} {endpoint} {id} {concurrency}).
    /// </summary>
    private WorkerProcess StartWorker(string host, int index)
    {
        var id = $"chaos-w{index}";
        var template = Environment.GetEnvironmentVariable("BUQUET_CHAOS_WORKER_ARGS") is { Length: > 0 } t
            ? t
            : "worker --config {config} --store s3 --bucket {bucket} --endpoint {endpoint} --region us-east-1 --id {id} --concurrency {concurrency}";
        var args = template.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a
            .Replace("{config}", ConfigPath, StringComparison.Ordinal)
            .Replace("{bucket}", _bucket, StringComparison.Ordinal)
            .Replace("{endpoint}", _proxy!.Address.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace("{id}", id, StringComparison.Ordinal)
            .Replace("{concurrency}", _s.Concurrency.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = _backend!.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = _backend.SecretKey,
            ["S3_REGION"] = "us-east-1",
            ["BUQUET_EXECUTION_LOG"] = ExecLogDir,
            ["DOTNET_gcServer"] = "0",
            ["DOTNET_TieredPGO"] = "0",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
        };
        return WorkerProcess.Start(id, "dotnet", [host, .. args], env, Path.Combine(_dir, $"{id}.log"));
    }

    /// <summary>Kills a random worker every ~<see cref="ChaosSettings.KillEvery"/> and restarts it; sometimes a blackhole.</summary>
    private async Task ChaosLoopAsync(string host, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(_s.KillEvery * (0.5 + _random.NextDouble()), ct);
                CheckUnexpectedExits(host);
                var index = _random.Next(_workers.Length);
                var sigterm = _random.NextDouble() < _s.SigtermShare;
                if (_random.NextDouble() < 0.15)
                {
                    _proxy!.Faults.StartBlackhole(TimeSpan.FromMilliseconds(_random.Next(500, 3000)));
                    _signals["blackhole periods"]++;
                }

                await KillAndRestartAsync(host, index, sigterm);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The faults phase is over.
        }
    }

    private async Task KillAndRestartAsync(string host, int index, bool sigterm)
    {
        var w = _workers[index]!;
        var signal = sigterm ? "SIGTERM" : "SIGKILL";
        _kills.Add(new WorkerKill(w.WorkerId, w.Pid, TimeProvider.System.GetUtcNow() + _storeOffset, signal));
        _signals[signal]++;
        if (sigterm)
        {
            w.Terminate();
            if (!await WaitForSigtermExitAsync(w))
            {
                _unexpectedExits.Add($"{w.WorkerId}/{w.Pid} did not exit within {SigtermHang.TotalSeconds:0} s of SIGTERM (killed)");
                _kills.Add(new WorkerKill(w.WorkerId, w.Pid, TimeProvider.System.GetUtcNow() + _storeOffset, "SIGKILL"));
                w.Kill();
            }
        }
        else
        {
            w.Kill();
        }

        await w.WaitForExitAsync(TimeSpan.FromSeconds(10));
        w.Dispose();
        _workers[index] = null;
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _workers[index] = StartWorker(host, index);
        _restarts++;
    }

    /// <summary>A worker that exited without being killed crashed: recorded (a violation) and restarted.</summary>
    private void CheckUnexpectedExits(string host)
    {
        for (var i = 0; i < _workers.Length; i++)
        {
            if (_workers[i] is { HasExited: true } dead)
            {
                _unexpectedExits.Add($"{dead.WorkerId}/{dead.Pid} exited by itself with code {dead.ExitCode}: {dead.Tail(10)}");
                dead.Dispose();
                _workers[i] = _disposed.IsCancellationRequested ? null : StartWorker(host, i);
                _restarts++;
            }
        }
    }

    private void EnsureAllWorkersRunning(string host) => CheckUnexpectedExits(host);

    private async Task StopWorkersAsync()
    {
        foreach (var w in _workers)
        {
            w?.Terminate();
        }

        foreach (var w in _workers.OfType<WorkerProcess>())
        {
            if (!await WaitForSigtermExitAsync(w))
            {
                _unexpectedExits.Add($"{w.WorkerId}/{w.Pid} did not stop within {SigtermHang.TotalSeconds:0} s of the final SIGTERM");
                w.Kill();
            }
        }
    }

    /// <summary>
    /// GETs the tasks not yet terminal every second until none is left, the run clock reaches <paramref name="until"/>,
    /// or (with <paramref name="stall"/>) no task became terminal for that long: stuck, not slow. Returns how many are left.
    /// </summary>
    private async Task<int> WaitAllTerminalAsync(BuquetClient truth, IReadOnlyList<Guid> ids, TimeSpan until, CancellationToken ct, TimeSpan? stall = null)
    {
        var remaining = ids.ToList();
        var lastSay = TimeSpan.Zero;
        var lastProgress = _clock.Elapsed;
        while (remaining.Count > 0 && _clock.Elapsed < until && (stall is null || _clock.Elapsed - lastProgress < stall))
        {
            var states = await FinalStateReader.ReadAsync(truth, remaining, 16, ct);
            var before = remaining.Count;
            remaining = remaining.Where(id => states[id].Status is not (BuquetTaskStatus.Completed or BuquetTaskStatus.Failed or BuquetTaskStatus.Cancelled or BuquetTaskStatus.Expired or BuquetTaskStatus.Archived)).ToList();
            if (remaining.Count < before)
            {
                lastProgress = _clock.Elapsed;
            }

            if (_clock.Elapsed - lastSay > TimeSpan.FromSeconds(10))
            {
                lastSay = _clock.Elapsed;
                _say($"{Stamp(_clock.Elapsed)} {ids.Count - remaining.Count}/{ids.Count} terminal; kills {_kills.Count}; faults {_proxy!.Faults.TotalInjected}");
            }

            if (remaining.Count > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }

        return remaining.Count;
    }

    /// <summary>
    /// Readiness: every worker has written its registry heartbeat (<c>workers/{id}.json</c>) within 60 s. A worker that
    /// exits first fails the run at once with its output, so a host without a working <c>worker</c> command fails fast.
    /// </summary>
    private async Task WaitWorkersReadyAsync(CancellationToken ct)
    {
        var deadline = _clock.Elapsed + TimeSpan.FromSeconds(60);
        var pending = _workers.OfType<WorkerProcess>().ToList();
        while (pending.Count > 0)
        {
            if (pending.FirstOrDefault(w => w.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"seed {_s.Seed}: worker {dead.WorkerId} exited at start with code {dead.ExitCode} before registering:\n{dead.Tail()}");
            }

            var ready = new List<WorkerProcess>();
            foreach (var w in pending)
            {
                if (await _direct!.HeadAsync($"workers/{w.WorkerId}.json", ct) is not null)
                {
                    ready.Add(w);
                }
            }

            pending = pending.Except(ready).ToList();
            if (pending.Count == 0)
            {
                break;
            }

            if (_clock.Elapsed > deadline)
            {
                throw new InvalidOperationException($"seed {_s.Seed}: worker {pending[0].WorkerId} did not register (workers/{pending[0].WorkerId}.json) within 60 s:\n{pending[0].Tail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }

        _say($"{Stamp(_clock.Elapsed)} {_workers.Length} workers registered");
    }

    /// <summary>Worker processes that crashed or hung on SIGTERM during the run.</summary>
    public IReadOnlyList<string> UnexpectedExits => _unexpectedExits;
}
