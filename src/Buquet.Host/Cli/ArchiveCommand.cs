using System.CommandLine;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary><c>buquet archive ID</c>: moves a finished task out of the active views.</summary>
internal static class ArchiveCommand
{
    public static Command Create(CliHost host)
    {
        var id = CliParsing.TaskIdArgument("The task id (UUID).");
        var command = new Command("archive", "Archive a completed or failed task. Tasks in other states are refused.") { id };
        host.SetAction(command, async (ctx, ct) =>
        {
            var taskId = CliParsing.TaskId(ctx.Parse.GetValue(id));
            var client = await ctx.GetClientAsync(ct);
            return OperationOutput.Report(ctx, await client.ArchiveAsync(taskId, ct), "archived");
        });
        return command;
    }
}
