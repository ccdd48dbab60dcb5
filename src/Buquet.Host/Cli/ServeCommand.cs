using System.CommandLine;
using Buquet.Actors.Configuration;
using Buquet.Host.Dashboard;

namespace Buquet.Host.Cli;

/// <summary><c>buquet serve</c>: the dashboard (overview, tasks, workers, schedules, actions, /metrics, /healthz, /readyz).</summary>
internal static class ServeCommand
{
    public static Command Create(CliHost host)
    {
        var bind = new Option<string?>("--bind") { Description = "Address to bind (default 127.0.0.1; any other address needs --token or --no-auth).", HelpName = "ADDRESS" };
        var port = new Option<int?>("--port") { Description = "Port to listen on (default from buquet.dashboard.port, 3000).", HelpName = "PORT" };
        var token = new Option<string?>("--token") { Description = "Access token required from browsers and API clients (env BUQUET__DASHBOARD__ACCESS_TOKEN).", HelpName = "TOKEN" };
        var noAuth = new Option<bool>("--no-auth") { Description = "Serve a public address without a token (only behind an authenticating proxy)." };
        var cluster = new ClusterFlags();
        var command = new Command("serve", "Run the dashboard: queue overview, tasks, history, workers, schedules, actions, metrics.") { bind, port, token, noAuth };
        foreach (var option in cluster.All)
        {
            command.Add(option);
        }

        host.SetAction(command, async (ctx, ct) =>
        {
            var p = ctx.Parse;
            var clusterFlags = cluster.Given(p);
            var options = clusterFlags.Count == 0
                ? ctx.Options
                : BuquetOptions.Load(HostBootstrap.BuildConfiguration(
                    p.GetValue(host.Globals.Config), ctx.Environment.Variables, [.. host.Globals.Overrides(p), .. BuquetCommandLine.Map(clusterFlags)]));
            var dashboard = options.Dashboard;
            dashboard.BindAddress = ctx.Parse.GetValue(bind) ?? dashboard.BindAddress;
            dashboard.Port = ctx.Parse.GetValue(port) ?? dashboard.Port;
            dashboard.AccessToken = ctx.Parse.GetValue(token) ?? dashboard.AccessToken;
            dashboard.NoAuth |= ctx.Parse.GetValue(noAuth);
            var errors = BuquetOptionsValidator.Check(options);
            if (errors.Count > 0)
            {
                throw CliException.User(string.Join(Environment.NewLine, errors), "Fix the flags or the buquet.dashboard settings.");
            }

            var store = await ctx.GetStoreAsync(ct);
            await using var prometheus = await WorkerCommand.StartPrometheusAsync(options, ct);
            if (prometheus is not null)
            {
                Console.Out.WriteLine($"Prometheus metrics at {prometheus.Address}");
            }

            // A publish-only fleet member (cluster on): the dashboard's cancels, retries and replays are pushed (docs/cluster.md).
            await using var fleet = DashboardHost.FleetMember(options, ctx.Time);
            try
            {
                return await DashboardHost.ServeAsync(options, store, Console.Out, null, fleet, ct);
            }
            catch (ArgumentException e)
            {
                throw CliException.User(e.Message, "Bind to 127.0.0.1, or pass --token (or --no-auth behind an authenticating proxy).");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 0;
            }
        });
        return command;
    }
}
