using System.CommandLine;
using Buquet.Host.Cli;

namespace Buquet.Host.Bench;

/// <summary><c>buquet bench dashboard</c>: S3 requests of the dashboard's cache against a filled store.</summary>
internal static class BenchDashboardCommand
{
    public static Command Create(CliHost host)
    {
        var tasks = new Option<int>("--tasks", "-m") { Description = "Tasks to write first (mixed states).", HelpName = "N", DefaultValueFactory = _ => 10_000 };
        var changed = new Option<int>("--changed") { Description = "Pending tasks cancelled before the 'after changes' refreshes.", HelpName = "N", DefaultValueFactory = _ => 100 };
        var clients = new Option<int>("--clients") { Description = "Server-sent-event clients connected in the live phase.", HelpName = "N", DefaultValueFactory = _ => 10 };
        var refreshes = new Option<int>("--refreshes") { Description = "Refreshes measured with nothing changed.", HelpName = "N", DefaultValueFactory = _ => 10 };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Writers filling the store.", HelpName = "N", DefaultValueFactory = _ => 16 };
        var command = new Command(
            "dashboard",
            "The dashboard's request budget: fills the store with tasks in mixed states, then counts S3 requests by operation for the " +
            "cold first load, a refresh with nothing changed, refreshes after --changed tasks changed, and with --clients live (SSE) " +
            "clients connected. Use an empty bucket or directory.")
        {
            tasks, changed, clients, refreshes, concurrency,
        };
        host.SetAction(command, async (ctx, ct) =>
        {
            var settings = new DashboardBenchSettings(
                ctx.Parse.GetValue(tasks), ctx.Parse.GetValue(changed), ctx.Parse.GetValue(clients), ctx.Parse.GetValue(refreshes), ctx.Parse.GetValue(concurrency));
            try
            {
                settings.Validate();
            }
            catch (ArgumentException e)
            {
                throw CliException.User(e.Message, "See buquet bench dashboard --help.");
            }

            var store = await ctx.GetStoreAsync(ct);
            var description = BenchCommand.Describe(ctx.Options.Store);
            var result = await new DashboardBenchmark(store, ctx.Options, settings, ctx.Time, line => ctx.Environment.Error.WriteLine(line)).RunAsync(ct);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(DashboardBenchReport.ToJson(description, result));
            }
            else
            {
                foreach (var line in DashboardBenchReport.Table(description, result))
                {
                    ctx.Output.Plain(line);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
