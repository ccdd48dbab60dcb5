using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Buquet.Actors.Client;
using Buquet.Actors.Hosting;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary><c>buquet tail</c>: a live stream of task changes, by polling the listing until Ctrl+C.</summary>
internal static class TailCommand
{
    public static Command Create(CliHost host)
    {
        var type = CliParsing.Option<string>("--task-type", "Only tasks of this type.", "TYPE", "-t");
        var status = CliParsing.Option<string>("--status", "Only changes into this status.", "STATUS");
        var interval = new Option<string>("--interval") { Description = "Time between scans: milliseconds (1000) or a duration (2s).", HelpName = "MS|DUR", DefaultValueFactory = _ => "1000" };
        var limit = new Option<int>("--limit") { Description = "Most tasks read per scan, over all shards.", HelpName = "N", DefaultValueFactory = _ => 10_000 };
        var once = CliParsing.Option<bool>("--once", "Print the current tasks once and exit (no follow).");
        var command = new Command("tail", "Stream task changes as they happen (new tasks and status changes) until Ctrl+C.") { type, status, interval, limit, once };
        host.SetAction(command, async (ctx, ct) =>
        {
            var p = ctx.Parse;
            var every = ParseInterval(p.GetRequiredValue(interval));
            var max = p.GetValue(limit);
            if (max < 1)
            {
                throw CliException.User($"--limit {max} must be at least 1.", "Use e.g. --limit 1000.");
            }

            var query = new TaskQuery { TaskType = p.GetValue(type), Status = p.GetValue(status) is { } s ? CliParsing.Status(s) : null, PageSize = 1000 };
            var client = await ctx.GetClientAsync(ct);
            var seen = new Dictionary<Guid, (BuquetTaskStatus Status, DateTimeOffset UpdatedAt)>();
            try
            {
                while (true)
                {
                    foreach (var task in await ScanAsync(client, query, max, ct))
                    {
                        if (seen.TryGetValue(task.Id, out var last) && last.Status == task.Status && last.UpdatedAt == task.UpdatedAt)
                        {
                            continue;
                        }

                        seen[task.Id] = (task.Status, task.UpdatedAt);
                        Emit(ctx.Output, task);
                    }

                    if (p.GetValue(once))
                    {
                        return ExitCodes.Ok;
                    }

                    await Task.Delay(every, ctx.Time, ct);
                }
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Ctrl+C: whatever the interrupted scan threw, stopping is the expected way out.
                return ExitCodes.Ok;
            }
        }, StoreAccess.ReadOnly);
        return command;
    }

    private static async Task<List<TaskRecord>> ScanAsync(BuquetClient client, TaskQuery query, int max, CancellationToken ct)
    {
        var tasks = new List<TaskRecord>();
        var q = query;
        do
        {
            var page = await client.ListAsync(q with { PageSize = Math.Min(1000, max - tasks.Count) }, ct);
            tasks.AddRange(page.Tasks);
            q = q with { ContinuationToken = page.ContinuationToken };
        }
        while (q.ContinuationToken is not null && tasks.Count < max);

        return [.. tasks.OrderBy(t => t.UpdatedAt).ThenBy(t => t.Id)];
    }

    private static TimeSpan ParseInterval(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return ms >= 10 ? TimeSpan.FromMilliseconds(ms) : throw CliException.User($"--interval {text} ms is too short.", "Use at least 10 ms, e.g. --interval 1000.");
        }

        return Buquet.Actors.Configuration.Durations.TryParse(text, out var d) && d >= TimeSpan.FromMilliseconds(10)
            ? d
            : throw CliException.User($"--interval '{text}' is not an interval.", "Use milliseconds (--interval 1000) or a duration (--interval 2s).");
    }

    private static void Emit(CliOutput output, TaskRecord t)
    {
        long? duration = t.Status == BuquetTaskStatus.Completed && t.CompletedAt is { } c ? (long)(c - t.CreatedAt).TotalMilliseconds : null;
        var error = t.Status == BuquetTaskStatus.Failed ? t.LastError : null;
        var shortId = t.Id.ToString()[..8];
        if (output.Json)
        {
            output.WriteJsonLine(new JsonObject
            {
                ["timestamp"] = TaskFormat.TimeMs(t.UpdatedAt),
                ["task_id"] = shortId,
                ["id"] = t.Id.ToString(),
                ["task_type"] = t.TaskType,
                ["status"] = TaskFormat.StatusWire(t.Status),
                ["worker_id"] = t.WorkerId,
                ["duration_ms"] = duration,
                ["error"] = error,
            });
            return;
        }

        var details = t.Status switch
        {
            BuquetTaskStatus.Running => t.WorkerId is { } w ? $"worker {w}, attempt {t.Attempt}" : $"attempt {t.Attempt}",
            BuquetTaskStatus.Completed => duration is { } d ? $"in {d} ms" : "",
            BuquetTaskStatus.Failed => error ?? "",
            BuquetTaskStatus.Pending when t.RetryCount > 0 => $"retry {t.RetryCount}/{t.MaxRetries}: {t.LastError}",
            _ => "",
        };
        var time = t.UpdatedAt.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var typeCol = (t.TaskType.Length > 14 ? t.TaskType[..14] : t.TaskType).PadRight(14);
        var statusCol = TaskFormat.StatusMarkup(t.Status) + new string(' ', Math.Max(0, 9 - t.Status.ToString().Length));
        output.Line($"[[{time}]] {shortId} {CliOutput.Esc(typeCol)} {statusCol} {CliOutput.Esc(details)}".TrimEnd());
        output.Out.Flush();
    }
}
