using System.Text.Json.Nodes;
using Akka.Actor;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.Maintenance;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary>Prints the embedded monitor's reports for <c>buquet monitor</c> (text or JSON lines), with stale workers after each check.</summary>
internal sealed class MonitorReportPrinterActor : ReceiveActor
{
    public MonitorReportPrinterActor(CliOutput output, BuquetClient client, TimeSpan threshold)
    {
        ReceiveAsync<MaintenanceMonitor.CheckCompleted>(async e =>
        {
            IReadOnlyList<string> stale;
            try
            {
                stale = await MonitorCommand.StaleWorkersAsync(client, threshold, CancellationToken.None);
            }
            catch (Exception ex) when (ex is Buquet.Actors.Storage.ObjectStoreUnavailableException or MalformedObjectException)
            {
                stale = [];
            }

            if (output.Json)
            {
                output.WriteJsonLine(new JsonObject { ["event"] = "check", ["report"] = MonitorCommand.ToJson(e.Report), ["stale_workers"] = new JsonArray([.. stale.Select(w => (JsonNode)w)]) });
            }
            else
            {
                output.Line(CliOutput.Esc(MonitorCommand.Describe(e.Report)));
                if (stale.Count > 0)
                {
                    output.Line(MonitorCommand.DescribeStale(stale, threshold));
                }
            }
        });
        Receive<MaintenanceMonitor.SweepCompleted>(e =>
        {
            if (output.Json)
            {
                output.WriteJsonLine(new JsonObject { ["event"] = "sweep", ["report"] = MonitorCommand.ToJson(e.Report) });
            }
            else
            {
                output.Line(CliOutput.Esc(MonitorCommand.Describe(e.Report)));
            }
        });
        Receive<MaintenanceMonitor.StoreUnavailable>(e =>
        {
            if (output.Json)
            {
                output.WriteJsonLine(new JsonObject { ["event"] = "store_unavailable", ["activity"] = e.Activity, ["error"] = e.Error, ["retry_in_seconds"] = e.RetryIn.TotalSeconds });
            }
            else
            {
                output.Warn($"store unavailable during {e.Activity}: {e.Error}; retrying in {TaskFormat.Seconds(e.RetryIn)}");
            }
        });
    }
}
