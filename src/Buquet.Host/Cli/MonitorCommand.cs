using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.Maintenance;
using Buquet.Actors.Worker.Registry;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary>
/// <c>buquet monitor</c>: the standalone monitor and index sweeper (the same actor every worker runs): recovers tasks
/// whose lease expired, repairs index keys left by a crash between a task write and its index write, and reports
/// workers whose heartbeat is stale. Runs until SIGINT/SIGTERM; <c>--once</c> runs one check and one full sweep.
/// </summary>
internal static class MonitorCommand
{
    public static Command Create(CliHost host)
    {
        var check = CliParsing.Option<string>("--check-interval", "Seconds (or a duration) between lease-recovery checks (default buquet.monitor.check-interval, 30 s).", "SECONDS");
        var health = CliParsing.Option<string>("--worker-health-threshold", "A worker whose heartbeat is older than this is reported stale (default 60 s).", "SECONDS");
        var sweep = CliParsing.Option<string>("--sweep-interval", "Seconds between index-sweeper steps; 0 turns the sweeper off (default buquet.monitor.sweep-interval).", "SECONDS");
        var page = CliParsing.Option<string>("--sweep-page-size", "Keys per LIST while sweeping (default 1000).", "N");
        var once = CliParsing.Option<bool>("--once", "Run one lease-recovery check and one full index sweep, print the reports and exit.");
        var command = new Command("monitor", "Run the monitor and index sweeper on their own (every worker also runs one): recover expired leases and repair indexes.")
        {
            check, health, sweep, page, once,
        };
        host.SetAction(command, async (ctx, ct) =>
        {
            var p = ctx.Parse;
            var flags = new List<KeyValuePair<string, string?>>();
            void Add(string flag, string? value)
            {
                if (value is not null)
                {
                    flags.Add(new(flag, value));
                }
            }

            Add("check-interval", p.GetValue(check));
            Add("worker-health-threshold", p.GetValue(health));
            Add("sweep-interval", p.GetValue(sweep));
            Add("sweep-page-size", p.GetValue(page));
            var options = flags.Count == 0
                ? ctx.Options
                : BuquetOptions.Load(HostBootstrap.BuildConfiguration(
                    p.GetValue(host.Globals.Config), ctx.Environment.Variables, [.. host.Globals.Overrides(p), .. BuquetCommandLine.Map(flags)]));
            var settings = MaintenanceMonitor.Settings.FromOptions(options.Monitor);
            var client = await ctx.GetClientAsync(ct);
            return p.GetValue(once)
                ? await RunOnceAsync(ctx, client, settings, options.Monitor.WorkerHealthThreshold, ct)
                : await RunAsync(ctx, client, settings, options.Monitor.WorkerHealthThreshold, ct);
        });
        return command;
    }

    private static async Task<int> RunOnceAsync(CliContext ctx, BuquetClient client, MaintenanceMonitor.Settings settings, TimeSpan threshold, CancellationToken ct)
    {
        Func<double> random = Jitter.Default;
        var recovery = new LeaseRecovery(client.Repository, random, settings.MaxTasksPerScan);
        var sweeper = new IndexSweeper(client.Repository, random, settings.MaxObjectsPerSweep, settings.SweepPageSize);
        var checkReport = await recovery.RunCycleAsync(ct);
        var sweepReport = await sweeper.SweepAllAsync(ct);
        var stale = await StaleWorkersAsync(client, threshold, ct);
        if (ctx.Json)
        {
            ctx.Output.WriteJson(new JsonObject
            {
                ["check"] = ToJson(checkReport),
                ["sweep"] = ToJson(sweepReport),
                ["stale_workers"] = new JsonArray([.. stale.Select(w => (JsonNode)w)]),
            });
        }
        else
        {
            ctx.Output.Line(Describe(checkReport));
            ctx.Output.Line(Describe(sweepReport));
            ctx.Output.Line(DescribeStale(stale, threshold));
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> RunAsync(CliContext ctx, BuquetClient client, MaintenanceMonitor.Settings settings, TimeSpan threshold, CancellationToken ct)
    {
        using var system = BuquetActorSystem.Create("buquet-monitor", ctx.Time);
        var listener = system.ActorOf(ActorProps.FromFactory(() => new MonitorReportPrinterActor(ctx.Output, client, threshold)), "reports");
        var monitor = MaintenanceMonitor.Props(settings, client.Repository, Jitter.Default, listener);
        var supervised = system.ActorOf(MaintenanceSupervision.Supervised(monitor, "monitor"), "monitor-supervisor");
        var fatal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(FatalWatch.Props(supervised, () => fatal.TrySetResult()), "monitor-watch");
        if (!ctx.Json)
        {
            ctx.Output.Line($"Monitor running: check every {TaskFormat.Seconds(settings.CheckInterval)}, " +
                (settings.SweepInterval > TimeSpan.Zero ? $"sweep every {TaskFormat.Seconds(settings.SweepInterval)}" : "sweeper off") + ". Ctrl+C stops.");
        }

        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (ct.Register(() => stopped.TrySetResult()))
        {
            var ended = await Task.WhenAny(stopped.Task, fatal.Task);
            if (ended != stopped.Task)
            {
                throw CliException.Infrastructure("The monitor stopped unexpectedly (see the log above).", "Check the store with 'buquet doctor' and restart the monitor.");
            }
        }

        await system.Terminate();
        if (!ctx.Json)
        {
            ctx.Output.Line("Monitor stopped.");
        }

        return ExitCodes.Ok;
    }

    internal static async Task<IReadOnlyList<string>> StaleWorkersAsync(BuquetClient client, TimeSpan threshold, CancellationToken ct)
    {
        var store = client.Repository.Store;
        var now = await client.Clock.NowAsync(ct);
        var workers = await WorkerDirectory.ListWorkersAsync(store, cancellationToken: ct);
        return [.. workers.Where(w => !w.IsHealthyAt(now, threshold)).Select(w => w.WorkerId).Order(StringComparer.Ordinal)];
    }

    internal static JsonObject ToJson(LeaseRecoveryReport r) => new()
    {
        ["shards_scanned"] = r.ShardsScanned,
        ["keys_examined"] = r.KeysExamined,
        ["recovered"] = r.Recovered,
        ["failed_after_max_retries"] = r.FailedAfterMaxRetries,
        ["orphans_deleted"] = r.OrphansDeleted,
        ["stale_keys_deleted"] = r.StaleKeysDeleted,
        ["malformed"] = r.Malformed,
        ["lost_races"] = r.LostRaces,
    };

    internal static JsonObject ToJson(SweepReport r) => new()
    {
        ["examined"] = r.Examined,
        ["stale_keys_deleted"] = r.StaleKeysDeleted,
        ["keys_moved"] = r.KeysMoved,
        ["expired"] = r.Expired,
        ["ready_keys_created"] = r.ReadyKeysCreated,
        ["lease_keys_created"] = r.LeaseKeysCreated,
        ["recovered"] = r.Recovered,
        ["malformed"] = r.Malformed,
        ["pass_completed"] = r.PassCompleted,
    };

    internal static string Describe(LeaseRecoveryReport r) =>
        $"Check: {r.ShardsScanned} shards, {r.KeysExamined} lease keys examined, {r.Recovered} recovered, {r.FailedAfterMaxRetries} failed (no retries left), " +
        $"{r.OrphansDeleted + r.StaleKeysDeleted} stale keys deleted, {r.Malformed} malformed";

    internal static string Describe(SweepReport r) =>
        $"Sweep: {r.Examined} objects examined, {r.ReadyKeysCreated} ready keys and {r.LeaseKeysCreated} lease keys created, {r.Recovered} recovered, " +
        $"{r.StaleKeysDeleted} stale keys deleted, {r.KeysMoved} moved, {r.Expired} expired, {r.Malformed} malformed" + (r.PassCompleted ? " (pass completed)" : string.Empty);

    internal static string DescribeStale(IReadOnlyList<string> stale, TimeSpan threshold) => stale.Count == 0
        ? "Workers: none stale"
        : $"Workers: {stale.Count} stale (no heartbeat for {TaskFormat.Seconds(threshold)}): {CliOutput.Esc(string.Join(", ", stale))}";

    /// <summary>Prints the monitor's events: a line each (JSON lines with --json).</summary>
}
