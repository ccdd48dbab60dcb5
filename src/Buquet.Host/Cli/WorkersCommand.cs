using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Hosting;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary><c>buquet workers</c>: the registered workers and whether their heartbeat is fresh (store clock).</summary>
internal static class WorkersCommand
{
    public static Command Create(CliHost host)
    {
        var limit = new Option<int>("--limit") { Description = "Most worker records to read.", HelpName = "N", DefaultValueFactory = _ => 100 };
        var command = new Command("workers", "List workers: healthy or stale by heartbeat age, current task, counters.") { limit };
        host.SetAction(command, async (ctx, ct) =>
        {
            var max = ctx.Parse.GetValue(limit);
            if (max is < 1 or > 10_000)
            {
                throw CliException.User($"--limit {max} is out of range.", "Use 1..10000.");
            }

            var store = await ctx.GetStoreAsync(ct);
            var client = await ctx.GetClientAsync(ct);
            var threshold = ctx.Options.Monitor.WorkerHealthThreshold;
            var now = await client.GetStoreTimeAsync(ct);
            var workers = await WorkerDirectory.ListWorkersAsync(store, limit: max, unreadable: e => ctx.Output.Warn($"unreadable worker record {e.Key}: {e.Problem}"), cancellationToken: ct);

            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject
                {
                    ["now"] = TaskFormat.TimeMs(now),
                    ["health_threshold_seconds"] = (long)threshold.TotalSeconds,
                    ["workers"] = new JsonArray([.. workers.Select(w => (JsonNode)new JsonObject
                    {
                        ["worker_id"] = w.WorkerId,
                        ["healthy"] = w.IsHealthyAt(now, threshold),
                        ["status"] = w.IsHealthyAt(now, threshold) ? "healthy" : "stale",
                        ["last_heartbeat"] = TaskFormat.TimeMs(w.LastHeartbeat),
                        ["heartbeat_age_seconds"] = Math.Round((now - w.LastHeartbeat).TotalSeconds, 3),
                        ["started_at"] = TaskFormat.TimeMs(w.StartedAt),
                        ["shards"] = new JsonArray([.. w.Shards.Select(s => (JsonNode)JsonValue.Create(s))]),
                        ["current_task"] = w.CurrentTask?.ToString(),
                        ["tasks_completed"] = w.TasksCompleted,
                        ["tasks_failed"] = w.TasksFailed,
                        ["cluster"] = w.Cluster ?? "absent",
                        ["pickups"] = w.Pickups is { } p ? new JsonObject { ["push"] = p.Push, ["hint"] = p.Hint, ["poll"] = p.Poll } : null,
                    })]),
                });
                return ExitCodes.Ok;
            }

            foreach (var w in workers)
            {
                var health = w.IsHealthyAt(now, threshold) ? "[green]healthy[/]" : "[red]stale[/]";
                var current = w.CurrentTask is { } t ? $" | task: {t}" : "";
                var cluster = w.Cluster is { } c ? $" | cluster: {CliOutput.Esc(c)}" : "";
                cluster += w.Pickups is { } p ? $" | pickups: {p}" : "";
                ctx.Output.Line($"{CliOutput.Esc(w.WorkerId)} | {health} | heartbeat {TaskFormat.Seconds(now - w.LastHeartbeat)} ago{current} | completed: {w.TasksCompleted} | failed: {w.TasksFailed}{cluster}");
            }

            ctx.Output.Line($"Total: {workers.Count} workers ({workers.Count(w => w.IsHealthyAt(now, threshold))} healthy)");
            return ExitCodes.Ok;
        }, StoreAccess.ReadOnly);
        return command;
    }
}
