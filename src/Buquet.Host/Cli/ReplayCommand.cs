using System.CommandLine;
using Buquet.Actors.Client;

namespace Buquet.Host.Cli;

/// <summary><c>buquet replay ID</c>: re-runs a failed, cancelled or expired task with fresh retries.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliHost host)
    {
        var id = CliParsing.TaskIdArgument("The task id (UUID).");
        var command = new Command("replay", "Run a failed, cancelled or expired task again with fresh retries.") { id };
        host.SetAction(command, async (ctx, ct) =>
        {
            var taskId = CliParsing.TaskId(ctx.Parse.GetValue(id));
            var client = await ctx.GetClientAsync(ct);
            return OperationOutput.Report(ctx, await client.ReplayAsync(taskId, ct), "replayed");
        });
        return command;
    }
}

/// <summary><c>buquet archive ID</c>: moves a finished task out of the active views.</summary>
internal static class ArchiveCommand
{
    public static Command Create(CliHost host)
    {
        var id = CliParsing.TaskIdArgument("The task id (UUID).");
        var command = new Command("archive", "Archive a completed, failed, cancelled or expired task.") { id };
        host.SetAction(command, async (ctx, ct) =>
        {
            var taskId = CliParsing.TaskId(ctx.Parse.GetValue(id));
            var client = await ctx.GetClientAsync(ct);
            return OperationOutput.Report(ctx, await client.ArchiveAsync(taskId, ct), "archived");
        });
        return command;
    }
}

/// <summary>Output of single-task operations.</summary>
internal static class OperationOutput
{
    public static int Report(CliContext ctx, TaskOperationResult result, string verb)
    {
        if (!result.Succeeded)
        {
            throw CliParsing.Failure(result, verb);
        }

        if (ctx.Json)
        {
            ctx.Output.WriteJson(new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = result.TaskId.ToString(),
                ["result"] = Output.TaskFormat.Result(result.Status),
                ["task"] = result.Task is { } t ? Output.TaskFormat.ToJson(t) : null,
            });
        }
        else
        {
            ctx.Output.Line(result.Status == TaskOperationStatus.AlreadyDone ? $"Task {result.TaskId} was already {verb}" : $"Task {result.TaskId} {verb}");
        }

        return ExitCodes.Ok;
    }
}
