using System.Globalization;
using Buquet.Actors.ChaosTests.Proxy;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>
/// Settings of a chaos run, from environment variables (scripts/chaos.sh sets them for a soak; the defaults are the
/// short CI scenario). Every random choice of the run derives from <see cref="Seed"/>.
/// </summary>
public sealed record ChaosSettings
{
    /// <summary>Seed of every random choice (faults, kills, task mix). Env BUQUET_CHAOS_SEED; default random and printed.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Tasks to submit. Env BUQUET_CHAOS_TASKS; default 2,000 (the size): on Ceph RGW it finished in 3.5 minutes
    /// on the 2-core machine while a soak ran beside it (docs/reliability.md, finding 4).
    /// </summary>
    public int Tasks { get; init; } = DefaultTasks;

    /// <summary>Default of <see cref="Tasks"/>.</summary>
    public const int DefaultTasks = 2000;

    /// <summary>Default of <see cref="Duration"/>.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromMinutes(5);

    /// <summary>Worker processes. Env BUQUET_CHAOS_WORKERS; default 3.</summary>
    public int Workers { get; init; } = 3;

    /// <summary>Concurrency per worker. Env BUQUET_CHAOS_CONCURRENCY; default 8.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Longest run (submission over a third of it, kills until every task is terminal or two thirds of it have
    /// passed; then a settle phase without faults). Env BUQUET_CHAOS_DURATION ("4m", "30m"); default 5 minutes.</summary>
    public TimeSpan Duration { get; init; } = DefaultDuration;

    /// <summary>Submission spread: tasks go out over this much of the run. Env BUQUET_CHAOS_SUBMIT_OVER; default a third of <see cref="Duration"/>.</summary>
    public TimeSpan SubmitOver { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Mean time between worker kills. Env BUQUET_CHAOS_KILL_EVERY; default 4 s.</summary>
    public TimeSpan KillEvery { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Share of kills that are SIGTERM (graceful) rather than SIGKILL. Env BUQUET_CHAOS_SIGTERM_SHARE; default 0.25.</summary>
    public double SigtermShare { get; init; } = 0.25;

    /// <summary>Task timeout = lease length; also the worker's lease TTL. Env BUQUET_CHAOS_LEASE_TTL; default 10 s.</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The worker monitor's check interval. Env BUQUET_CHAOS_MONITOR_INTERVAL; default 2 s.</summary>
    public TimeSpan MonitorInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Longest acceptable time from a kill to the next start of each task the killed worker was running; null (the
    /// default) only measures it, since under a backlog it includes queueing behind other tasks. A task never restarted
    /// fails the run either way. Env BUQUET_CHAOS_MAX_RECOVERY ("45s").
    /// </summary>
    public TimeSpan? MaxRecovery { get; init; }

    /// <summary>Multiplier of the proxy's fault probabilities (0 = no proxy faults). Env BUQUET_CHAOS_FAULTS; default 1.</summary>
    public double FaultIntensity { get; init; } = 1;

    /// <summary>Where to write the markdown report (appended). Env BUQUET_CHAOS_REPORT; default none.</summary>
    public string? ReportPath { get; init; }

    /// <summary>The built host (buquet.dll). Env BUQUET_CHAOS_HOST_DLL; default the Buquet.Host build beside this project.</summary>
    public string? HostDll { get; init; }

    /// <summary>
    /// Every completed task must have a logged execution. Env BUQUET_CHAOS_REQUIRE_EXEC_LOG=0 turns it off for workers
    /// without the execution-log hook (then duplicates, overlaps and recovery times cannot be measured). Default on.
    /// </summary>
    public bool RequireExecutionLog { get; init; } = true;

    /// <summary>The S3 server behind the proxy: rgw (default; the suite's Ceph RGW) or moto (see <see cref="ChaosBackend"/>). Env BUQUET_CHAOS_STORE.</summary>
    public string Store { get; init; } = "rgw";

    /// <summary>Keep the run directory (worker logs, execution log). Env BUQUET_CHAOS_KEEP=1.</summary>
    public bool Keep { get; init; }

    /// <summary>The proxy's random faults for this run.</summary>
    public FaultPlan Plan => FaultIntensity <= 0 ? FaultPlan.None : new FaultPlan
    {
        SlowDownBurstProbability = Math.Min(1, 0.01 * FaultIntensity),
        SlowDownBurstLength = 3,
        ConflictProbability = Math.Min(1, 0.02 * FaultIntensity),
        InternalErrorProbability = Math.Min(1, 0.01 * FaultIntensity),
        LatencyProbability = Math.Min(1, 0.05 * FaultIntensity),
        MinLatency = TimeSpan.FromMilliseconds(20),
        MaxLatency = TimeSpan.FromMilliseconds(400),
        DropResponseProbability = Math.Min(1, 0.003 * FaultIntensity),
        DropResponseFilter = RequestFilter.Write,
    };

    /// <summary>Reads the environment; a bad value throws naming the variable and the value.</summary>
    public static ChaosSettings FromEnvironment(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var duration = ParseDuration(env, "BUQUET_CHAOS_DURATION") ?? DefaultDuration;
        return new ChaosSettings
        {
            Seed = Int(env, "BUQUET_CHAOS_SEED") ?? Random.Shared.Next(1, int.MaxValue),
            Tasks = Int(env, "BUQUET_CHAOS_TASKS") ?? DefaultTasks,
            Workers = Int(env, "BUQUET_CHAOS_WORKERS") ?? 3,
            Concurrency = Int(env, "BUQUET_CHAOS_CONCURRENCY") ?? 8,
            Duration = duration,
            SubmitOver = ParseDuration(env, "BUQUET_CHAOS_SUBMIT_OVER") ?? duration / 3,
            KillEvery = ParseDuration(env, "BUQUET_CHAOS_KILL_EVERY") ?? TimeSpan.FromSeconds(4),
            SigtermShare = Double(env, "BUQUET_CHAOS_SIGTERM_SHARE") ?? 0.25,
            LeaseTtl = ParseDuration(env, "BUQUET_CHAOS_LEASE_TTL") ?? TimeSpan.FromSeconds(10),
            MonitorInterval = ParseDuration(env, "BUQUET_CHAOS_MONITOR_INTERVAL") ?? TimeSpan.FromSeconds(2),
            FaultIntensity = Double(env, "BUQUET_CHAOS_FAULTS") ?? 1,
            MaxRecovery = ParseDuration(env, "BUQUET_CHAOS_MAX_RECOVERY"),
            ReportPath = env("BUQUET_CHAOS_REPORT") is { Length: > 0 } r ? r : null,
            HostDll = env("BUQUET_CHAOS_HOST_DLL") is { Length: > 0 } h ? h : null,
            Store = env("BUQUET_CHAOS_STORE") is { Length: > 0 } store ? store : "rgw",
            Keep = env("BUQUET_CHAOS_KEEP") is "1" or "true",
            RequireExecutionLog = env("BUQUET_CHAOS_REQUIRE_EXEC_LOG") is not ("0" or "false"),
        }.Validated();
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public ChaosSettings Validated()
    {
        Require(Tasks >= 1, nameof(Tasks), Tasks);
        Require(Workers >= 2, nameof(Workers), Workers);
        Require(Concurrency >= 1, nameof(Concurrency), Concurrency);
        Require(Duration > TimeSpan.Zero, nameof(Duration), Duration);
        Require(SubmitOver >= TimeSpan.Zero && SubmitOver <= Duration, nameof(SubmitOver), SubmitOver);
        Require(KillEvery > TimeSpan.Zero, nameof(KillEvery), KillEvery);
        Require(SigtermShare is >= 0 and <= 1, nameof(SigtermShare), SigtermShare);
        Require(LeaseTtl >= TimeSpan.FromSeconds(1), nameof(LeaseTtl), LeaseTtl);
        Require(MonitorInterval > TimeSpan.Zero, nameof(MonitorInterval), MonitorInterval);
        Require(FaultIntensity is >= 0 and <= 20, nameof(FaultIntensity), FaultIntensity);
        Require(Store is "moto" or "rgw", nameof(Store), Store);
        return this;
    }

    private static void Require(bool ok, string name, object value)
    {
        if (!ok)
        {
            throw new ArgumentException($"Chaos setting {name} = '{value}' is out of range.", name);
        }
    }

    private static int? Int(Func<string, string?> env, string name) => env(name) is { Length: > 0 } v
        ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new ArgumentException($"{name}='{v}' is not an integer.", name)
        : null;

    private static double? Double(Func<string, string?> env, string name) => env(name) is { Length: > 0 } v
        ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new ArgumentException($"{name}='{v}' is not a number.", name)
        : null;

    private static TimeSpan? ParseDuration(Func<string, string?> env, string name)
    {
        if (env(name) is not { Length: > 0 } v)
        {
            return null;
        }

        try
        {
            return Buquet.Actors.Configuration.Durations.Parse(v);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new ArgumentException($"{name}='{v}' is not a duration like 30s, 5m, 1h.", name, e);
        }
    }
}
