using System.CommandLine;
using Buquet.Host.Cli;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Host.Bench;

/// <summary>The <c>--cluster</c> options of <c>buquet bench</c> and the action that runs <see cref="ClusterBenchmark"/>.</summary>
internal sealed class BenchClusterOptions
{
    /// <summary>Worker processes when <c>--cluster</c> is given without <c>--workers</c>.</summary>
    public const int DefaultWorkers = 3;

    public Option<bool> Cluster { get; } = new("--cluster") { Description = "Clustered-fleet benchmark (issue 20): the fleet with the cluster off, then clustered on loopback, in one run; reports both and the targets." };

    public Option<string> Settle { get; } = new("--cluster-settle") { Description = "--cluster: wait after the fleet registered (and joined) before the idle window.", HelpName = "DUR", DefaultValueFactory = _ => "15s" };

    public Option<string> Idle { get; } = new("--cluster-idle") { Description = "--cluster: idle window (S3 requests, RSS, CPU of the idle fleet).", HelpName = "DUR", DefaultValueFactory = _ => "40s" };

    public Option<int> Pickups { get; } = new("--cluster-pickups") { Description = "--cluster: idle pickup samples, one task at a time.", HelpName = "N", DefaultValueFactory = _ => 20 };

    public Option<string> PickupGap { get; } = new("--cluster-pickup-gap") { Description = "--cluster: quiet time before each further pickup sample.", HelpName = "DUR", DefaultValueFactory = _ => "3s" };

    public Option<double> Rate { get; } = new("--cluster-rate") { Description = "--cluster: submissions per second of the steady phase.", HelpName = "PER_SECOND", DefaultValueFactory = _ => 10 };

    public Option<string> Steady { get; } = new("--cluster-steady") { Description = "--cluster: length of the steady phase.", HelpName = "DUR", DefaultValueFactory = _ => "20s" };

    public Option<int> Cancels { get; } = new("--cluster-cancels") { Description = "--cluster: running tasks cancelled one by one (cancel-to-handler samples).", HelpName = "N", DefaultValueFactory = _ => 20 };

    public Option<string> PickupBudget { get; } = new("--cluster-pickup-budget") { Description = "--cluster: bound on each side's idle pickup sampling; no further sample starts once it is used up.", HelpName = "DUR", DefaultValueFactory = _ => "2m" };

    public IReadOnlyList<Option> All => [Cluster, Settle, Idle, Pickups, PickupGap, Rate, Steady, Cancels, PickupBudget];

    /// <summary>The settings of a <c>--cluster</c> run (validated).</summary>
    public ClusterBenchSettings Settings(ParseResult parse, Option<int> workers, int concurrency, string workDirectory)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var settings = new ClusterBenchSettings(
            parse.GetResult(workers) is { Implicit: false } ? parse.GetValue(workers) : DefaultWorkers,
            concurrency,
            Duration(parse, Settle),
            Duration(parse, Idle),
            parse.GetValue(Pickups),
            Duration(parse, PickupGap),
            parse.GetValue(Rate),
            Duration(parse, Steady),
            parse.GetValue(Cancels),
            Duration(parse, PickupBudget),
            workDirectory);
        settings.Validate();
        return settings;
    }

    /// <summary>Runs both sides and prints the report; exit 0 when every submitted task finished on both sides.</summary>
    public static async Task<int> RunAsync(CliContext ctx, ClusterBenchSettings settings, IReadOnlyList<string> workerArgs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var store = await ctx.GetStoreAsync(ct);
        var bench = new ClusterBenchmark(store, HostBootstrap.ClientOptions(ctx.Options), settings, workerArgs, ctx.Time, NullLoggerFactory.Instance, line => ctx.Environment.Error.WriteLine(line));
        var (off, on) = await bench.RunAsync(ct);
        var report = ClusterBenchReport.ToJson(BenchCommand.Describe(ctx.Options.Store), settings, off, on, S3Prices.AwsStandard);
        if (ctx.Json)
        {
            ctx.Output.WriteJson(report);
        }
        else
        {
            foreach (var line in ClusterBenchReport.Table(report))
            {
                ctx.Output.Plain(line);
            }
        }

        return off.Steady.Completed == off.Steady.Submitted && on.Steady.Completed == on.Steady.Submitted ? ExitCodes.Ok : ExitCodes.InfrastructureError;
    }

    private static TimeSpan Duration(ParseResult parse, Option<string> option)
    {
        var text = parse.GetValue(option) ?? "0";
        return text is "0" or "0s" ? TimeSpan.Zero : CliParsing.Duration(option.Name, text);
    }
}
