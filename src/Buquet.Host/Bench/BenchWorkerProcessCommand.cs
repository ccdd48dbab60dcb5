using System.CommandLine;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Buquet.Host.Cli;

namespace Buquet.Host.Bench;

/// <summary>
/// <c>buquet bench worker-process --counts-file F [worker flags]</c> (hidden): runs the real <c>buquet worker</c> command in
/// this process with its store wrapped in a <see cref="RequestCountingObjectStore"/>, and writes the counts to F every
/// <see cref="CountsFile.Period"/> and on exit, with its wake-path counters (<see cref="WakeListener"/>). <c>buquet bench</c> starts its worker processes this way.
/// </summary>
internal static class BenchWorkerProcessCommand
{
    public static Command Create(CliHost host)
    {
        var countsFile = new Option<string>("--counts-file") { Description = "Where to write the store request counts.", HelpName = "PATH", Required = true };
        var command = new Command("worker-process", "Run a worker that reports its store request counts (used by 'buquet bench').")
        {
            countsFile,
        };
        command.Hidden = true;
        command.TreatUnmatchedTokensAsErrors = false;
        host.SetAction(command, async (ctx, ct) =>
        {
            var path = Path.GetFullPath(ctx.Parse.GetValue(countsFile)!);
            RequestCountingObjectStore? counting = null;
            IObjectStore? inner = null;
            var environment = ctx.Environment with
            {
                OpenStore = async (options, c) =>
                {
                    inner = await ObjectStoreFactory.CreateAsync(options.Store, ctx.Time, c);
                    counting = new RequestCountingObjectStore(inner);
                    return counting;
                },
            };

            using var wakes = new WakeListener();
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    if (counting is { } cs)
                    {
                        CountsFile.Write(path, cs.Snapshot(), final: false, wakes.Snapshot());
                    }

                    try
                    {
                        await Task.Delay(CountsFile.Period, ctx.Time, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }, CancellationToken.None);

            int exit;
            try
            {
                // Everything after the counts file is the worker's own command line (plus the global store flags).
                var args = new List<string> { "worker" };
                args.AddRange(ctx.Parse.UnmatchedTokens);
                args.AddRange(GlobalArgs(ctx, host));
                exit = await new CliApp([WorkerCommand.Create], environment) { ProcessTerminationTimeout = TimeSpan.FromMinutes(2) }.RunAsync(args, ct);
            }
            finally
            {
                await stop.CancelAsync();
                await writer;
                if (counting is { } cs)
                {
                    CountsFile.Write(path, cs.Snapshot(), final: true, wakes.Snapshot());
                }

                (inner as IDisposable)?.Dispose();
            }

            return exit;
        });
        return command;
    }

    /// <summary>The global flags given to this command, passed on to the nested worker command.</summary>
    private static IEnumerable<string> GlobalArgs(CliContext ctx, CliHost host)
    {
        var g = host.Globals;
        foreach (var file in ctx.Parse.GetValue(g.Config) ?? [])
        {
            yield return "--config";
            yield return file;
        }

        foreach (var (option, value) in new (Option Option, string? Value)[]
                 {
                     (g.Store, ctx.Parse.GetValue(g.Store)),
                     (g.LocalPath, ctx.Parse.GetValue(g.LocalPath)),
                     (g.Bucket, ctx.Parse.GetValue(g.Bucket)),
                     (g.Endpoint, ctx.Parse.GetValue(g.Endpoint)),
                     (g.Region, ctx.Parse.GetValue(g.Region)),
                     (g.ShardPrefixLength, ctx.Parse.GetValue(g.ShardPrefixLength)?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                 })
        {
            if (value is not null)
            {
                yield return option.Name;
                yield return value;
            }
        }
    }
}
