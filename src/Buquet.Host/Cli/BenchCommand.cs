using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Buquet.Actors.Configuration;
using Buquet.Host.Bench;

namespace Buquet.Host.Cli;

/// <summary>
/// <c>buquet bench</c>: benchmarks of the configured store and queue (docs/benchmarks.md). <c>bench store</c> measures the
/// store's ceiling; <c>bench cost</c> prints the price table and buquet's reference figures.
/// </summary>
internal static partial class BenchCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command(
            "bench",
            "Queue benchmark: starts worker processes, submits tasks, reports throughput, pickup and end-to-end latency, S3 requests " +
            "and dollars per task, worker memory and CPU (--idle: idle fleet cost). Subcommands: the store's ceiling (bench store), " +
            "the cost model (bench cost). See docs/benchmarks.md.");
        BenchQueueCommand.Configure(command, host);
        command.Subcommands.Add(CreateStore(host));
        command.Subcommands.Add(CreateCost(host));
        command.Subcommands.Add(BenchWorkerProcessCommand.Create(host));
        command.Subcommands.Add(BenchDashboardCommand.Create(host));
        return command;
    }

    private static Command CreateStore(CliHost host)
    {
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Requests in flight at once.", HelpName = "N", DefaultValueFactory = _ => 16 };
        var duration = new Option<string>("--duration", "-d") { Description = "How long each phase runs (e.g. 10s).", HelpName = "DUR", DefaultValueFactory = _ => "10s" };
        var ops = new Option<long?>("--ops") { Description = "Requests per phase instead of a duration (at least --concurrency).", HelpName = "N" };
        var body = new Option<int>("--body-bytes") { Description = "Size of each object written.", HelpName = "BYTES", DefaultValueFactory = _ => 800 };
        var page = new Option<int>("--list-page-size") { Description = "MaxKeys of each LIST.", HelpName = "N", DefaultValueFactory = _ => 100 };
        var keep = new Option<bool>("--keep") { Description = "Keep the objects written (no DELETE phase)." };
        var command = new Command(
            "store",
            "The store's ceiling: create-only PUT/s (If-None-Match), compare-and-swap PUT/s (If-Match), GET/s, LIST/s and DELETE/s " +
            "at one concurrency, under a fresh bench/{run}/ prefix (deleted afterwards unless --keep).")
        {
            concurrency, duration, ops, body, page, keep,
        };
        host.SetAction(command, async (ctx, ct) =>
        {
            var settings = new StoreBenchSettings(
                ctx.Parse.GetValue(concurrency),
                CliParsing.Duration("--duration", ctx.Parse.GetValue(duration) ?? "10s"),
                ctx.Parse.GetValue(ops),
                ctx.Parse.GetValue(body),
                ctx.Parse.GetValue(page),
                !ctx.Parse.GetValue(keep));
            settings.Validate();
            var store = await ctx.GetStoreAsync(ct);
            var description = Describe(ctx.Options.Store);
            var phases = await new StoreBenchmark(store, settings, ctx.Time).RunAsync(ct);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(StoreBenchReport.ToJson(description, settings, phases, S3Prices.AwsStandard));
            }
            else
            {
                foreach (var line in StoreBenchReport.Table(description, settings, phases))
                {
                    ctx.Output.Plain(line);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateCost(CliHost host)
    {
        var workers = new Option<int>("--workers") { Description = "Fleet size for the monthly idle figures.", HelpName = "N", DefaultValueFactory = _ => 10 };
        var command = new Command("cost", "The S3 price table used by the benchmarks, and buquet's stated and code-derived request costs.") { workers };
        host.SetAction(command, (ctx, ct) =>
        {
            var n = ctx.Parse.GetValue(workers);
            if (n is < 1 or > 100_000)
            {
                throw CliException.User($"--workers {n} is out of range.", "Use 1..100000.");
            }

            var prices = S3Prices.AwsStandard;
            var reference = BuquetReference.ToJson(prices, n);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject { ["prices"] = prices.ToJson(), ["buquet"] = reference });
                return Task.FromResult(ExitCodes.Ok);
            }

            foreach (var line in CostLines(prices, n))
            {
                ctx.Output.Plain(line);
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static IEnumerable<string> CostLines(S3Prices prices, int workers)
    {
        var c = CultureInfo.InvariantCulture;
        yield return $"Prices: {prices.Name} as of {prices.AsOf}: PUT/COPY/POST/LIST ${prices.PutClassPer1000.ToString(c)} per 1,000; " +
            $"GET/HEAD ${prices.GetClassPer1000.ToString(c)} per 1,000; DELETE free.";
        yield return string.Create(c, $"buquet stated: ~{BuquetReference.StatedRequestsPerTask} requests and ~${BuquetReference.StatedDollarsPerMillionTasks} per million tasks; idle ~${BuquetReference.StatedIdleDollarsPerWorkerMonth} per worker-month.");
        var happy = BuquetReference.HappyPathPerTask;
        yield return string.Create(c, $"buquet code-derived happy path: {happy} = ${CostModel.DollarsPerMillionTasks(happy, prices):0.00} per million tasks (before polling, heartbeats, clock probes).");
        foreach (var (mode, mix) in new[]
                 {
                     ("hybrid (default), 16 shards, empty bucket", BuquetReference.DefaultIdlePerWorkerMinute()),
                     ("hybrid (default), 16 shards, >= 50 task objects per shard", BuquetReference.DefaultIdlePerWorkerMinute(getsPerShardPoll: 50)),
                     ("index-only, 16 shards", BuquetReference.DefaultIdlePerWorkerMinute(indexOnly: true)),
                 })
        {
            yield return string.Create(c,
                $"buquet idle, {mode}: {mix} per worker-minute = ${CostModel.MonthlyIdleDollars(mix, 1, prices):0.00} per worker-month, ${CostModel.MonthlyIdleDollars(mix, workers, prices):0.00} per month for {workers} workers.");
        }
    }

    /// <summary>A short description of the configured store for reports (no secrets).</summary>
    internal static string Describe(StoreOptions store) => store.Kind switch
    {
        StoreKind.Local => $"local directory {Path.GetFullPath(store.Local.Path)}",
        StoreKind.S3 => $"s3 {(string.IsNullOrWhiteSpace(store.S3.Endpoint) ? "AWS" : store.S3.Endpoint)} bucket {store.S3.Bucket}",
        _ => "memory",
    };
}
