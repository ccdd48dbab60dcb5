using Buquet.Actors.Diagnostics;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>
/// A few named <c>buquet worker</c> processes for the single-fault scenarios (store restart, skewed clock, start-up
/// outage): one config file, one execution log directory, output per worker in a run directory deleted at dispose.
/// </summary>
internal sealed class WorkerFleet : IDisposable
{
    private readonly string _endpoint;
    private readonly string _bucket;
    private readonly string _accessKey;
    private readonly string _secretKey;
    private readonly List<WorkerProcess> _started = [];

    /// <summary>Writes <paramref name="workerConfig"/> (the inside of <c>buquet.worker { }</c>) and extra top-level HOCON.</summary>
    public WorkerFleet(string endpoint, string bucket, string workerConfig, string extraConfig = "", string accessKey = "test", string secretKey = "test")
    {
        _endpoint = endpoint.TrimEnd('/');
        _bucket = bucket;
        _accessKey = accessKey;
        _secretKey = secretKey;
        Directory = Path.Combine(Path.GetTempPath(), "buquet-fleet-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(ExecLog);
        File.WriteAllText(ConfigPath, $$"""
            buquet {
              store {
                request-timeout = 3s
                s3.force-path-style = true
              }
              worker {
                drain-deadline = 3s
                shutdown-grace = 2s
                heartbeat-interval = 2s
                polling { min-interval = 100ms, max-interval = 500ms }
                {{workerConfig}}
              }
              {{extraConfig}}
            }

            """);
    }

    /// <summary>The run directory.</summary>
    public string Directory { get; }

    /// <summary>The execution log directory every worker writes.</summary>
    public string ExecLog => Path.Combine(Directory, "exec");

    private string ConfigPath => Path.Combine(Directory, "worker.conf");

    /// <summary>Starts worker <paramref name="id"/> with extra environment variables.</summary>
    public WorkerProcess Start(string id, int concurrency = 4, IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = _accessKey,
            ["AWS_SECRET_ACCESS_KEY"] = _secretKey,
            ["S3_REGION"] = "us-east-1",
            ["BUQUET_EXECUTION_LOG"] = ExecLog,
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            env[k] = v;
        }

        var host = ChaosRun.HostDll(new ChaosSettings());
        var w = WorkerProcess.Start(id, "dotnet",
            [host, "worker", "--config", ConfigPath, "--store", "s3", "--bucket", _bucket, "--endpoint", _endpoint, "--region", "us-east-1", "--id", id, "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            env, Path.Combine(Directory, $"{id}.log"));
        _started.Add(w);
        return w;
    }

    /// <summary>The execution log so far.</summary>
    public ExecutionLogContents ReadLog() => ExecutionLogReader.ReadDirectory(ExecLog);

    /// <summary>Polls <paramref name="condition"/> every 200 ms until true; throws with <paramref name="what"/> and worker output after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} did not happen within {timeout}. Worker output:\n" + string.Join("\n---\n", _started.Select(w => $"{w.WorkerId}/{w.Pid}:\n{w.Tail(20)}")));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>SIGTERMs every worker, waits, then kills what is left.</summary>
    public async Task StopAllAsync()
    {
        foreach (var w in _started)
        {
            w.Terminate();
        }

        foreach (var w in _started)
        {
            await w.WaitForExitAsync(TimeSpan.FromSeconds(20));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var w in _started)
        {
            w.Dispose();
        }

        if (Environment.GetEnvironmentVariable("BUQUET_CHAOS_KEEP") is not ("1" or "true"))
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}
