using System.CommandLine;
using System.Globalization;
using Buquet.Actors.Configuration;
using Buquet.Host.Cli;

namespace Buquet.Host.Bench;

/// <summary>The options and action of <c>buquet bench</c> itself: the queue scenario and the idle mode.</summary>
internal static class BenchQueueCommand
{
    public static void Configure(Command command, CliHost host)
    {
        var workers = new Option<int>("--workers", "-n") { Description = "Worker processes to start.", HelpName = "N", DefaultValueFactory = _ => 1 };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Tasks each worker runs at once.", HelpName = "C", DefaultValueFactory = _ => 16 };
        var tasks = new Option<int>("--tasks", "-m") { Description = "Tasks to submit.", HelpName = "M", DefaultValueFactory = _ => 1000 };
        var handler = new Option<string>("--handler") { Description = "Task type: buquet.echo or buquet.sleep.", HelpName = "TYPE", DefaultValueFactory = _ => QueueBenchSettings.Echo };
        var sleepMs = new Option<int>("--sleep-ms") { Description = "Handler time of buquet.sleep tasks.", HelpName = "MS", DefaultValueFactory = _ => 100 };
        var producers = new Option<int>("--producers") { Description = "Concurrent submitters in this process.", HelpName = "N", DefaultValueFactory = _ => 8 };
        var rate = new Option<double>("--rate") { Description = "Submissions per second (0 = as fast as possible).", HelpName = "PER_SECOND", DefaultValueFactory = _ => 0 };
        var timeout = new Option<string>("--timeout") { Description = "Longest wait for every task to finish.", HelpName = "DUR", DefaultValueFactory = _ => "10m" };
        var idle = new Option<string?>("--idle") { Description = "Idle mode: workers on an empty queue this long, then one task (pickup after idle).", HelpName = "DUR" };
        var idlePickups = new Option<int>("--idle-pickups") { Description = "Idle mode: tasks submitted one at a time after the idle period, each after a quiet spell (pickup p50).", HelpName = "N", DefaultValueFactory = _ => 5 };
        var idleSettle = new Option<string>("--idle-settle") { Description = "Idle mode: start-up time left out of the idle window.", HelpName = "DUR", DefaultValueFactory = _ => "30s" };
        var pickupSpacing = new Option<string?>("--pickup-spacing") { Description = "Idle mode: quiet time before each further task (default: a tenth of --idle, 20 s .. 3 min).", HelpName = "DUR" };
        var ceiling = new Option<string>("--ceiling-duration") { Description = "Per-phase duration of the store ceiling measured first (0 skips it).", HelpName = "DUR", DefaultValueFactory = _ => "3s" };
        var ceilingJson = new Option<string?>("--ceiling-json") { Description = "Take the store ceiling from a 'bench store --json' report instead of measuring it.", HelpName = "PATH" };
        var ceilingConcurrency = new Option<int>("--ceiling-concurrency") { Description = "Concurrency of the store ceiling measurement.", HelpName = "N", DefaultValueFactory = _ => 16 };
        var history = new Option<int>("--history") { Description = "Processed tasks written into the store before the workers start, as a worker leaves them (a store with history).", HelpName = "N", DefaultValueFactory = _ => 0 };
        var workDir = new Option<string?>("--work-dir") { Description = "Directory for worker count files and logs (default: a temp directory).", HelpName = "DIR" };
        var cluster = new BenchClusterOptions();
        foreach (var o in new Option[] { workers, concurrency, tasks, handler, sleepMs, producers, rate, timeout, idle, idleSettle, idlePickups, pickupSpacing, ceiling, ceilingJson, ceilingConcurrency, history, workDir }.Concat(cluster.All))
        {
            command.Options.Add(o);
        }

        host.SetAction(command, async (ctx, ct) =>
        {
            var directory = ctx.Parse.GetValue(workDir) ?? Path.Combine(Path.GetTempPath(), "buquet-bench", Guid.NewGuid().ToString("N")[..8]);
            if (ctx.Parse.GetValue(cluster.Cluster))
            {
                var clusterSettings = cluster.Settings(ctx.Parse, workers, ctx.Parse.GetValue(concurrency), directory);
                return await BenchClusterOptions.RunAsync(ctx, clusterSettings, WorkerArgs(ctx, host, ctx.Options, clusterSettings.Concurrency), ct);
            }

            var idleText = ctx.Parse.GetValue(idle);
            var ceilingText = ctx.Parse.GetValue(ceiling) ?? "3s";
            var settings = new QueueBenchSettings(
                ctx.Parse.GetValue(workers),
                ctx.Parse.GetValue(concurrency),
                ctx.Parse.GetValue(tasks),
                ctx.Parse.GetValue(handler) ?? QueueBenchSettings.Echo,
                ctx.Parse.GetValue(sleepMs),
                ctx.Parse.GetValue(producers),
                ctx.Parse.GetValue(rate),
                CliParsing.Duration("--timeout", ctx.Parse.GetValue(timeout) ?? "10m"),
                idleText is null ? null : CliParsing.Duration("--idle", idleText),
                ceilingText is "0" or "0s" ? TimeSpan.Zero : CliParsing.Duration("--ceiling-duration", ceilingText),
                ctx.Parse.GetValue(ceilingConcurrency),
                directory)
            {
                IdlePickups = ctx.Parse.GetValue(idlePickups),
                History = ctx.Parse.GetValue(history),
                IdleSettle = ctx.Parse.GetValue(idleSettle) is "0" or "0s" ? TimeSpan.Zero : CliParsing.Duration("--idle-settle", ctx.Parse.GetValue(idleSettle) ?? "30s"),
                PickupSpacing = ctx.Parse.GetValue(pickupSpacing) is { } spacing ? CliParsing.Duration("--pickup-spacing", spacing) : null,
            };
            settings.Validate();
            var options = ctx.Options;
            var store = await ctx.GetStoreAsync(ct);
            var description = BenchCommand.Describe(options.Store);
            void Progress(string line) => ctx.Environment.Error.WriteLine(line);

            StoreCeiling? storeCeiling = ctx.Parse.GetValue(ceilingJson) is { } ceilingFile ? ReadCeiling(ceilingFile) : null;
            if (storeCeiling is null && settings.CeilingDuration > TimeSpan.Zero)
            {
                Progress($"Measuring the store ceiling ({settings.CeilingDuration.TotalSeconds:0.#} s per phase, concurrency {settings.CeilingConcurrency}).");
                var phases = await new StoreBenchmark(store, new StoreBenchSettings(settings.CeilingConcurrency, settings.CeilingDuration, null, 800, 100, true), ctx.Time).RunAsync(ct);
                storeCeiling = StoreBenchmark.Ceiling(phases);
            }

            var bench = new QueueBenchmark(store, HostBootstrap.ClientOptions(options), settings, WorkerArgs(ctx, host, options, settings.Concurrency), ctx.Time, Progress);
            var (run, idleResult) = await bench.RunAsync(ct);
            var report = QueueBenchReport.ToJson(description, settings, run, idleResult, storeCeiling, S3Prices.AwsStandard, bench.History);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(report);
            }
            else
            {
                foreach (var line in QueueBenchReport.Table(report))
                {
                    ctx.Output.Plain(line);
                }
            }

            var unfinished = (run ?? idleResult?.FirstTask) is { } r ? r.Submitted - r.Completed : 0;
            return unfinished == 0 ? ExitCodes.Ok : ExitCodes.InfrastructureError;
        });
    }

    /// <summary>The <c>ceiling</c> object of a <c>buquet bench store --json</c> report.</summary>
    private static StoreCeiling ReadCeiling(string path)
    {
        if (!File.Exists(path))
        {
            throw CliException.User($"--ceiling-json '{path}' does not exist.", "Pass the file written by 'buquet bench store --json > FILE'.");
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
            var c = doc.RootElement.GetProperty("ceiling");
            double? Rate(string name) => c.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetDouble() : null;
            return new StoreCeiling(Rate("put_per_second"), Rate("get_per_second"), Rate("list_per_second"), Rate("delete_per_second"));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw CliException.User($"--ceiling-json '{path}' is not a 'bench store --json' report: {e.Message}", "Pass the file written by 'buquet bench store --json > FILE'.");
        }
    }

    /// <summary>The flags that give a worker process the same store and queue as this process (credentials come from the environment).</summary>
    private static List<string> WorkerArgs(CliContext ctx, CliHost host, BuquetOptions options, int concurrency)
    {
        var args = new List<string> { "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture) };
        foreach (var file in ctx.Parse.GetValue(host.Globals.Config) ?? [])
        {
            args.AddRange(["--config", Path.GetFullPath(file)]);
        }

        var store = options.Store;
        switch (store.Kind)
        {
            case StoreKind.Local:
                args.AddRange(["--store", "local", "--local-path", Path.GetFullPath(store.Local.Path)]);
                break;
            case StoreKind.S3:
                args.AddRange(["--store", "s3", "--bucket", store.S3.Bucket, "--region", string.IsNullOrWhiteSpace(store.S3.Region) ? "us-east-1" : store.S3.Region]);
                if (!string.IsNullOrWhiteSpace(store.S3.Endpoint))
                {
                    args.AddRange(["--endpoint", store.S3.Endpoint]);
                }

                break;
            default:
                throw CliException.User("The memory store lives in one process; worker processes cannot share it.", "Use --store local (default) or an S3 bucket for 'buquet bench'.");
        }

        args.AddRange(["--shard-prefix-len", options.Queue.ShardPrefixLength.ToString(CultureInfo.InvariantCulture)]);
        return args;
    }
}
