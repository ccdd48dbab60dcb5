using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Client;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary><c>buquet list</c>: one page of tasks over the configured shards.</summary>
internal static class ListCommand
{
    public static Command Create(CliHost host)
    {
        var shard = CliParsing.Option<string>("--shard", "Only this shard (hex prefix, e.g. a). Default: every shard of the configured shard count.", "SHARD", "-s");
        var status = CliParsing.Option<string>("--status", "Only tasks with this status: pending, running, completed, failed, cancelled, archived, expired.", "STATUS");
        var type = CliParsing.Option<string>("--task-type", "Only tasks of this type.", "TYPE", "-t");
        var limit = new Option<int>("--limit") { Description = "Tasks read per page, 1..1000 (filters apply after reading).", HelpName = "N", DefaultValueFactory = _ => 100 };
        var pageToken = CliParsing.Option<string>("--page-token", "Continue from the token printed by the previous page.", "TOKEN");
        var command = new Command("list", "List tasks, one page at a time.") { shard, status, type, limit, pageToken };
        host.SetAction(command, async (ctx, ct) =>
        {
            var p = ctx.Parse;
            var pageSize = p.GetValue(limit);
            if (pageSize is < 1 or > 1000)
            {
                throw CliException.User($"--limit {pageSize} is out of range.", "Use a page size from 1 to 1000 and --page-token for more.");
            }

            var wanted = p.GetValue(status) is { } s ? CliParsing.Status(s) : (Buquet.Actors.Protocol.BuquetTaskStatus?)null;
            var client = await ctx.GetClientAsync(ct);
            var page = await client.ListAsync(
                new TaskQuery
                {
                    Shard = p.GetValue(shard),
                    Status = wanted,
                    TaskType = p.GetValue(type),
                    PageSize = pageSize,
                    ContinuationToken = p.GetValue(pageToken),
                },
                ct);
            foreach (var bad in page.Malformed)
            {
                ctx.Output.Warn($"unreadable task object {bad.Key}: {bad.Problem}");
            }

            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject
                {
                    ["tasks"] = new JsonArray([.. page.Tasks.Select(TaskFormat.ToJson)]),
                    ["next_page_token"] = page.ContinuationToken,
                    ["malformed"] = new JsonArray([.. page.Malformed.Select(m => (JsonNode)new JsonObject { ["key"] = m.Key, ["problem"] = m.Problem })]),
                });
                return ExitCodes.Ok;
            }

            foreach (var t in page.Tasks)
            {
                ctx.Output.Line($"{t.Id} | {CliOutput.Esc(t.TaskType)} | {TaskFormat.StatusMarkup(t.Status)} | {TaskFormat.Time(t.UpdatedAt)}");
            }

            ctx.Output.Line($"Total: {page.Tasks.Count} tasks");
            if (page.ContinuationToken is { } next)
            {
                ctx.Output.Line($"More: buquet list --page-token '{CliOutput.Esc(next)}'");
            }

            return ExitCodes.Ok;
        }, StoreAccess.ReadOnly);
        return command;
    }
}
