using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Client;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary><c>buquet cancel</c>: cancels tasks by id or by type.</summary>
internal static class CancelCommand
{
    public static Command Create(CliHost host)
    {
        var ids = new Argument<string[]>("ids") { Description = "Task ids to cancel (omit with --task-type).", Arity = ArgumentArity.ZeroOrMore };
        var type = CliParsing.Option<string>("--task-type", "Cancel every pending task of this type instead of ids (as buquet does; cancel running ones by id).", "TYPE", "-t");
        var reason = CliParsing.Option<string>("--reason", "Why, recorded on the task as its last error.", "TEXT", "-r");
        var by = CliParsing.Option<string>("--cancelled-by", "Who cancelled, recorded on the task.", "NAME", "-b");
        var command = new Command("cancel", "Cancel tasks: pending ones at once, running ones cooperatively.") { ids, type, reason, by };
        host.SetAction(command, async (ctx, ct) =>
        {
            var p = ctx.Parse;
            var idTexts = p.GetValue(ids) ?? [];
            var taskType = p.GetValue(type);
            if (idTexts.Length > 0 && taskType is not null)
            {
                throw CliException.User("Give task ids or --task-type, not both.", "Run 'buquet cancel ID...' or 'buquet cancel --task-type TYPE'.");
            }

            if (idTexts.Length == 0 && taskType is null)
            {
                throw CliException.User("Nothing to cancel: no task ids and no --task-type.", "Run 'buquet cancel ID...' or 'buquet cancel --task-type TYPE'.");
            }

            var parsed = idTexts.Select(CliParsing.TaskId).ToList();
            var client = await ctx.GetClientAsync(ct);
            IReadOnlyList<TaskOperationResult> results = taskType is not null
                ? await client.CancelByTypeAsync(taskType, p.GetValue(reason), p.GetValue(by), ct)
                : await client.CancelManyAsync(parsed, p.GetValue(reason), p.GetValue(by), ct);
            var failed = results.Where(r => !r.Succeeded).ToList();
            var cancelled = results.Count - failed.Count;
            if (ctx.Json)
            {
                var json = new JsonObject
                {
                    ["cancelled"] = cancelled,
                    ["failed"] = failed.Count,
                    ["tasks"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
                    {
                        ["id"] = r.TaskId.ToString(),
                        ["result"] = TaskFormat.OutcomeName(r.Status),
                        ["status"] = r.Task is { } t ? TaskFormat.StatusWire(t.Status) : null,
                    })]),
                };
                if (failed.Count > 0)
                {
                    json["errors"] = new JsonArray([.. failed.Select(r => (JsonNode)new JsonObject { ["id"] = r.TaskId.ToString(), ["error"] = Describe(r) })]);
                }

                ctx.Output.WriteJson(json);
            }
            else
            {
                Print(ctx.Output, results, cancelled, failed.Count, taskType, p.GetValue(reason), p.GetValue(by));
            }

            if (failed.Count == 0)
            {
                return ExitCodes.Ok;
            }

            var first = CliParsing.Failure(failed[0], "cancelled");
            if (!ctx.Json)
            {
                ctx.Output.Error(results.Count == 1 ? first.Message : $"{failed.Count} of {results.Count} tasks were not cancelled; first: {first.Message}", first.Suggestion, first.ExitCode);
            }

            return first.ExitCode;
        });
        return command;
    }

    private static void Print(CliOutput o, IReadOnlyList<TaskOperationResult> results, int cancelled, int failed, string? type, string? reason, string? by)
    {
        if (type is null && results.Count == 1)
        {
            var r = results[0];
            if (r.Succeeded)
            {
                o.Line($"Task {r.TaskId} {Describe(r)}");
                if (reason is not null)
                {
                    o.Line($"  Reason: {CliOutput.Esc(reason)}");
                }

                if (by is not null)
                {
                    o.Line($"  Cancelled by: {CliOutput.Esc(by)}");
                }
            }

            return;
        }

        o.Line(type is null
            ? $"Cancelled {cancelled} tasks ({failed} failed)"
            : $"Cancelled {cancelled} tasks of type '{CliOutput.Esc(type)}' ({failed} failed)");
        foreach (var r in results)
        {
            o.Line($"  {r.TaskId}: {CliOutput.Esc(Describe(r))}");
        }
    }

    private static string Describe(TaskOperationResult r) => r.Status switch
    {
        TaskOperationStatus.Applied => "cancelled",
        TaskOperationStatus.AlreadyDone => "already cancelled",
        TaskOperationStatus.CancellationRequested => "cancellation requested (running: its worker stops the handler within its cancel check interval, 10 s by default; 'buquet status' shows the outcome)",
        TaskOperationStatus.NotFound => "not found",
        _ => $"{TaskFormat.OutcomeName(r.Status)}: {r.Message}",
    };
}
