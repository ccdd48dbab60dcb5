using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Client;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary><c>buquet history ID</c>: every stored version of a task (needs bucket versioning).</summary>
internal static class HistoryCommand
{
    public static Command Create(CliHost host)
    {
        var id = CliParsing.TaskIdArgument("The task id (UUID).");
        var command = new Command("history", "Show every stored version of a task, newest first (needs bucket versioning).") { id };
        host.SetAction(command, async (ctx, ct) =>
        {
            var taskId = CliParsing.TaskId(ctx.Parse.GetValue(id));
            var client = await ctx.GetClientAsync(ct);
            var versions = new List<TaskVersion>();
            string? token = null;
            do
            {
                var page = await client.HistoryAsync(taskId, 1000, token, ct);
                versions.AddRange(page.Versions);
                token = page.ContinuationToken;
            }
            while (token is not null);

            if (versions.Count == 0)
            {
                var current = await client.GetAsync(taskId, ct) ?? throw CliParsing.NotFound(taskId);
                ctx.Output.Warn("the store keeps no versions of this task (bucket versioning is off); showing the current version only.");
                versions.Add(new TaskVersion("current", current.UpdatedAt, true, current, null));
            }

            foreach (var bad in versions.Where(v => v.Task is null))
            {
                ctx.Output.Warn($"version {bad.VersionId} is unreadable: {bad.Error?.Message}");
            }

            var readable = versions.Where(v => v.Task is not null).ToList();
            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonArray([.. readable.Select(v => TaskFormat.ToJson(v.Task!))]));
                return ExitCodes.Ok;
            }

            for (var i = 0; i < readable.Count; i++)
            {
                var t = readable[i].Task!;
                var extra = t.WorkerId is { Length: > 0 } w ? $" (worker {CliOutput.Esc(w)})" : "";
                extra += t.LastError is { Length: > 0 } e ? $" [red]{CliOutput.Esc(e)}[/]" : "";
                ctx.Output.Line($"Version {readable.Count - i}: {TaskFormat.StatusMarkup(t.Status)} at {TaskFormat.TimeMs(t.UpdatedAt)}{extra}");
            }

            return ExitCodes.Ok;
        }, StoreAccess.ReadOnly);
        return command;
    }
}
