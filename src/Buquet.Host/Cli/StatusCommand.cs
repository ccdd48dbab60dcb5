using System.CommandLine;
using Buquet.Actors.Hosting;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary><c>buquet status ID</c>: one task's state.</summary>
internal static class StatusCommand
{
    public static Command Create(CliHost host)
    {
        var id = CliParsing.TaskIdArgument("The task id (UUID).");
        var command = new Command("status", "Show a task's status, attempts, lease and errors.") { id };
        host.SetAction(command, async (ctx, ct) =>
        {
            var taskId = CliParsing.TaskId(ctx.Parse.GetValue(id));
            var client = await ctx.GetClientAsync(ct);
            var task = await client.GetAsync(taskId, ct) ?? throw CliParsing.NotFound(taskId);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(TaskFormat.ToJson(task));
                return ExitCodes.Ok;
            }

            var now = await client.GetStoreTimeAsync(ct);
            Print(ctx.Output, task, now);
            return ExitCodes.Ok;
        }, StoreAccess.ReadOnly);
        return command;
    }

    internal static void Print(CliOutput o, TaskRecord task, DateTimeOffset now)
    {
        o.Line($"Task:        [bold]{task.Id}[/]");
        o.Line($"Type:        {CliOutput.Esc(task.TaskType)}");
        o.Line($"Status:      {TaskFormat.StatusMarkup(task.Status)}");
        if (task is { Status: BuquetTaskStatus.Running, CancelRequested: true })
        {
            o.Line("Cancel:      [yellow]pending[/] (requested; the worker stops the handler)");
        }

        o.Line($"Shard:       {task.Shard}");
        o.Line($"Attempt:     {task.Attempt}");
        o.Line($"Retry Count: {task.RetryCount}/{task.MaxRetries}");
        if (task.Status == BuquetTaskStatus.Pending && task.AvailableAt > now)
        {
            o.Line($"Available In: {TaskFormat.Seconds(task.AvailableAt - now)}{(task.RetryCount > 0 ? " (backoff)" : "")}");
        }

        if (task.Status == BuquetTaskStatus.Running && task.LeaseExpiresAt is { } lease)
        {
            o.Line(lease > now ? $"Lease Expires In: {TaskFormat.Seconds(lease - now)}" : "Lease: [red]EXPIRED[/]");
        }

        if (task.ExpiresAt is { } expires)
        {
            o.Line($"Expires At:  {TaskFormat.Time(expires)} ({(expires > now ? "in " + TaskFormat.Seconds(expires - now) : "EXPIRED")})");
        }

        if (task.ExpiredAt is { } expired)
        {
            o.Line($"Expired At:  {TaskFormat.Time(expired)}");
        }

        if (task.WorkerId is { Length: > 0 } worker)
        {
            o.Line($"Worker:      {CliOutput.Esc(worker)}");
        }

        if (task.LastError is { Length: > 0 } error)
        {
            o.Line($"Last Error:  [red]{CliOutput.Esc(error)}[/]");
        }

        if (task.CancelledBy is { Length: > 0 } by)
        {
            o.Line($"Cancelled By: {CliOutput.Esc(by)}");
        }

        o.Line($"Created:     {TaskFormat.Time(task.CreatedAt)}");
        o.Line($"Updated:     {TaskFormat.Time(task.UpdatedAt)}");
        if (task.CompletedAt is { } completed)
        {
            o.Line($"Completed:   {TaskFormat.Time(completed)}");
        }
    }
}
