using System.CommandLine;
using Buquet.Actors.Client;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary><c>buquet replay ID</c>: re-runs a failed task with fresh retries (protocol T12: failed only).</summary>
internal static class ReplayCommand
{
    public static Command Create(CliHost host)
    {
        var id = CliParsing.TaskIdArgument("The task id (UUID).");
        var command = new Command("replay", "Run a failed task again with fresh retries. Only failed tasks can be replayed; submit other tasks again.") { id };
        host.SetAction(command, async (ctx, ct) =>
        {
            var taskId = CliParsing.TaskId(ctx.Parse.GetValue(id));
            var client = await ctx.GetClientAsync(ct);
            return OperationOutput.Report(ctx, await client.ReplayAsync(taskId, ct), "replayed");
        });
        return command;
    }
}
