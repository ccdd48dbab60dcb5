using Buquet.Actors.Client;
using Buquet.Host.Cli;

namespace Buquet.Host.Output;

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
                ["result"] = TaskFormat.OutcomeName(result.Status),
                ["task"] = result.Task is { } t ? TaskFormat.ToJson(t) : null,
            });
        }
        else
        {
            ctx.Output.Line(result.Status == TaskOperationStatus.AlreadyDone ? $"Task {result.TaskId} was already {verb}" : $"Task {result.TaskId} {verb}");
        }

        return ExitCodes.Ok;
    }
}
