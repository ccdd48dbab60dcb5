using System.CommandLine;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Host.Output;
using static Buquet.Host.Cli.CliParsing;

namespace Buquet.Host.Cli;

/// <summary><c>buquet submit</c>: creates a task; with --wait, blocks until it ends and prints its output.</summary>
internal static class SubmitCommand
{
    public static Command Create(CliHost host)
    {
        var type = new Option<string>("--task-type", "-t") { Description = "Task type: routes the task to a handler (e.g. send_email, or a built-in such as buquet.echo or buquet.sleep: 'buquet handlers' lists them with their inputs).", HelpName = "TYPE", Required = true };
        var input = Option<string>("--input", "JSON input, or @FILE to read it from a file (@- = stdin). Default {}.", "JSON|@FILE", "-i");
        var timeout = Option<string>("--timeout", "Lease per attempt before the task is retried (e.g. 30s, 5m). Default from queue.default-timeout.", "DUR");
        var retries = Option<int?>("--retries", "Retries after the first failed attempt. Default from queue.default-max-retries.", "N");
        var maxReschedules = Option<int?>("--max-reschedules", "Most times a handler may reschedule the task. Default unlimited.", "N");
        var at = Option<string>("--at", "Run no earlier than this RFC 3339 time (store clock). Exclusive with --delay.", "TIME");
        var delay = Option<string>("--delay", "Run no earlier than this long from now (e.g. 30s, 5m, 1h30m).", "DUR");
        var ttl = Option<string>("--ttl", "Expire the task if still pending this long after submission. Exclusive with --expires-at.", "DUR");
        var expiresAt = Option<string>("--expires-at", "Expire the task if still pending at this RFC 3339 time.", "TIME");
        var idemKey = Option<string>("--idempotency-key", "Submit at most once per key: a repeat returns the existing task.", "KEY");
        var idemScope = Option<string>("--idempotency-scope", "Key space of --idempotency-key: the task type (default), 'queue', or a custom name.", "SCOPE");
        var validate = Option<bool>("--validate", "Check the input against the type's input schema (schemas/TYPE.json, 'buquet schema') first: a mismatch, or a type without a schema, is refused (exit 1, failing paths named) and nothing is written.");
        var wait = Option<bool>("--wait", "Block until the task ends, then print its output (exit 1 if it failed, was cancelled or expired). Warns on stderr when the task is still pending after 5s and no live worker handles its type.");
        var waitTimeout = Option<string>("--wait-timeout", "Give up waiting after this long (exit 1; the task keeps going). Default: wait until it ends.", "DUR");
        var command = new Command("submit", "Submit a task to the queue. Inputs over buquet.queue.max-payload-size (default 10MiB) are refused. Built-in task types and their inputs: 'buquet handlers'.")
        {
            type, input, timeout, retries, maxReschedules, at, delay, ttl, expiresAt, idemKey, idemScope, validate, wait, waitTimeout,
        };

        host.SetAction(command, async (ctx, ct) =>
        {
            var p = ctx.Parse;
            if (p.GetValue(at) is not null && p.GetValue(delay) is not null)
            {
                throw CliException.User("--at and --delay cannot be used together.", "Give either an absolute time (--at) or a relative one (--delay).");
            }

            if (p.GetValue(ttl) is not null && p.GetValue(expiresAt) is not null)
            {
                throw CliException.User("--ttl and --expires-at cannot be used together.", "Give either a relative expiry (--ttl) or an absolute one (--expires-at).");
            }

            var body = Input(p.GetValue(input), ctx.Environment.In);
            var options = new SubmitOptions
            {
                Timeout = p.GetValue(timeout) is { } t ? Duration("--timeout", t) : null,
                MaxRetries = p.GetValue(retries),
                MaxReschedules = p.GetValue(maxReschedules) ?? ctx.Options.Queue.DefaultMaxReschedules,
                RunAt = p.GetValue(at) is { } a ? Time("--at", a) : null,
                Delay = p.GetValue(delay) is { } d ? Duration("--delay", d) : null,
                Ttl = p.GetValue(ttl) is { } l ? Duration("--ttl", l) : null,
                ExpiresAt = p.GetValue(expiresAt) is { } e ? Time("--expires-at", e) : null,
                IdempotencyKey = p.GetValue(idemKey),
                IdempotencyScope = p.GetValue(idemScope),
                ValidateInput = p.GetValue(validate),
            };
            var limit = p.GetValue(waitTimeout) is { } w ? Duration("--wait-timeout", w) : (TimeSpan?)null;
            _ = BuquetClient.CompactWithinLimit(body, ctx.Options.Queue.MaxPayloadSize); // before the store is opened (or created)
            var client = await ctx.GetClientAsync(ct);
            var task = await client.SubmitAsync(p.GetRequiredValue(type), body, options, ct);
            if (!p.GetValue(wait))
            {
                if (ctx.Json)
                {
                    ctx.Output.WriteJson(TaskFormat.ToJson(task));
                }
                else
                {
                    PrintSubmitted(ctx.Output, task);
                }

                return ExitCodes.Ok;
            }

            if (!ctx.Json)
            {
                PrintSubmitted(ctx.Output, task);
            }

            return await WaitAsync(ctx, client, task, limit, ct);
        });
        return command;
    }

    private static void PrintSubmitted(CliOutput output, TaskRecord task)
    {
        var suffix = "";
        if (task.AvailableAt > task.CreatedAt)
        {
            suffix += $" (scheduled for {TaskFormat.Time(task.AvailableAt)})";
        }

        if (task.ExpiresAt is { } expires)
        {
            suffix += $" (expires at {TaskFormat.Time(expires)})";
        }

        output.Line($"Task submitted: [bold]{task.Id}[/]{CliOutput.Esc(suffix)}");
    }

    /// <summary>Polls the task with backoff (100 ms growing to 2 s) until it is terminal or the limit passes.</summary>
    private static async Task<int> WaitAsync(CliContext ctx, BuquetClient client, TaskRecord submitted, TimeSpan? limit, CancellationToken ct)
    {
        var started = ctx.Time.GetTimestamp();
        var interval = TimeSpan.FromMilliseconds(100);
        var task = submitted;
        var warned = false;
        while (!task.IsTerminal)
        {
            if (!warned && task.Status == BuquetTaskStatus.Pending && ctx.Time.GetElapsedTime(started) >= SubmitWaitWarning.After)
            {
                warned = true;
                await WarnIfUnhandledAsync(ctx, client, task, ct);
            }

            if (limit is { } l && ctx.Time.GetElapsedTime(started) >= l)
            {
                if (ctx.Json)
                {
                    ctx.Output.WriteJson(TaskFormat.ToJson(task));
                }

                throw CliException.User(
                    $"Task {task.Id} is still {task.Status} after waiting {Durations(l)}.",
                    $"Check on it later with 'buquet status {task.Id}', or wait longer with --wait-timeout; is a worker running for type '{task.TaskType}'?");
            }

            await Task.Delay(interval, ctx.Time, ct);
            interval = TimeSpan.FromMilliseconds(Math.Min(interval.TotalMilliseconds * 1.5, 2000));
            task = await client.GetAsync(task.Id, ct) ?? throw CliParsing.NotFound(task.Id);
        }

        var resolved = task.Status == BuquetTaskStatus.Completed ? await client.GetWithPayloadsAsync(task.Id, ct) : null;
        if (ctx.Json)
        {
            var node = TaskFormat.ToJson(resolved?.Task ?? task);
            if (resolved is not null && task.OutputRef is not null)
            {
                node["output"] = TaskFormat.Node(resolved.Output);
            }

            ctx.Output.WriteJson(node);
        }
        else if (resolved is not null)
        {
            ctx.Output.Plain(TaskFormat.Node(resolved.Output)?.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) ?? "null");
        }

        if (task.Status == BuquetTaskStatus.Completed)
        {
            return ExitCodes.Ok;
        }

        var detail = task.LastError is { Length: > 0 } err ? $": {err}" : ".";
        ctx.Output.Error($"Task {task.Id} ended {task.Status}{detail}", $"See its attempts with 'buquet history {task.Id}'; replay it with 'buquet replay {task.Id}'.", ExitCodes.UserError);
        return ExitCodes.UserError;
    }

    /// <summary>Warns on stderr when a ready task's type has no live worker (see <see cref="SubmitWaitWarning"/>).</summary>
    private static async Task WarnIfUnhandledAsync(CliContext ctx, BuquetClient client, TaskRecord task, CancellationToken ct)
    {
        var now = await client.GetStoreTimeAsync(ct);
        if (task.AvailableAt > now)
        {
            return; // scheduled for later (--at / --delay / retry backoff): pending is expected
        }

        var store = await ctx.GetStoreAsync(ct);
        if (await SubmitWaitWarning.DescribeAsync(store, task.TaskType, now, ctx.Options.Monitor.WorkerHealthThreshold, ct) is { } warning)
        {
            ctx.Output.Warn(warning);
        }
    }

    private static string Durations(TimeSpan span) => Buquet.Actors.Configuration.Durations.Format(span);
}
