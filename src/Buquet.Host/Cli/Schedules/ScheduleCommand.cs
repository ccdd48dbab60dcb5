using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Hosting;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Scheduling.Cron;
using Buquet.Actors.Storage;
using Buquet.Host.Output;

namespace Buquet.Host.Cli.Schedules;

/// <summary><c>buquet schedule create|list|show|update|enable|disable|delete|trigger</c>: recurring schedules.</summary>
internal static class ScheduleCommand
{
    private const string CronHint =
        "Give 5 fields: minute hour day-of-month month day-of-week (day-of-week 1-7 with Sunday = 1, or SUN-SAT), e.g. -c '*/5 * * * *' or -c '0 9 * * MON-FRI' (names avoid the numbering trap).";

    public static Command Create(CliHost host)
    {
        var command = new Command("schedule", "Recurring schedules: cron-driven tasks fired by the workers' scheduler (exactly once per slot).");
        command.Subcommands.Add(CreateCommand(host));
        command.Subcommands.Add(ListCommand(host));
        command.Subcommands.Add(ShowCommand(host));
        command.Subcommands.Add(UpdateCommand(host));
        command.Subcommands.Add(Toggle(host, "enable", "Enable a schedule.", enable: true));
        command.Subcommands.Add(Toggle(host, "disable", "Disable a schedule (it stops firing; the definition stays).", enable: false));
        command.Subcommands.Add(DeleteCommand(host));
        command.Subcommands.Add(TriggerCommand(host));
        return command;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The schedule id." };

    private static Command CreateCommand(CliHost host)
    {
        var id = IdArgument();
        var flags = new ScheduleFlags(forCreate: true);
        var command = new Command("create", "Create a schedule (fails if the id exists).") { id };
        foreach (var o in flags.All)
        {
            command.Options.Add(o);
        }

        SetAction(host, command, async (ctx, ct) =>
        {
            var spec = flags.ToSpec(ctx.Parse.GetValue(id)!, ctx);
            var client = await ctx.GetClientAsync(ct);
            var created = await client.Schedules.CreateAsync(spec, ct);
            Report(ctx, created, $"Schedule created: {CliOutput.Esc(created.Id)}");
            await ReportNextRunsAsync(ctx, client.Schedules, created, ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListCommand(CliHost host)
    {
        var command = new Command("list", "List every schedule.");
        SetAction(host, command, async (ctx, ct) =>
        {
            var client = await ctx.GetClientAsync(ct);
            var listing = await client.Schedules.ListAsync(ct);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject
                {
                    ["schedules"] = new JsonArray([.. listing.Schedules.Select(s => (JsonNode)ScheduleFormat.ToJson(s))]),
                    ["malformed"] = new JsonArray([.. listing.Malformed.Select(m => (JsonNode)new JsonObject { ["key"] = m.Key, ["problem"] = m.Problem })]),
                });
                return ExitCodes.Ok;
            }

            if (listing.Schedules.Count == 0)
            {
                ctx.Output.Line("No schedules.");
            }
            else
            {
                var width = Math.Max(2, listing.Schedules.Max(s => s.Id.Length));
                var cronWidth = Math.Max(4, listing.Schedules.Max(s => s.Cron.Length));
                ctx.Output.Line(CliOutput.Esc($"{"ID".PadRight(width)}  {"CRON".PadRight(cronWidth)}  ENABLED  TASK TYPE"));
                foreach (var s in listing.Schedules)
                {
                    ctx.Output.Line(CliOutput.Esc($"{s.Id.PadRight(width)}  {s.Cron.PadRight(cronWidth)}  {(s.Enabled ? "yes" : "no "),-7}  {s.TaskType}"));
                }
            }

            foreach (var m in listing.Malformed)
            {
                ctx.Output.Warn($"unreadable schedule {m.Key}: {m.Problem}");
            }

            return ExitCodes.Ok;
        }, StoreAccess.ReadOnly);
        return command;
    }

    private static Command ShowCommand(CliHost host)
    {
        var id = IdArgument();
        var next = CliParsing.Option<int>("--next", "How many upcoming runs to compute (0 to 1000, default 5).", "N", "-n");
        next.DefaultValueFactory = _ => 5;
        var command = new Command("show", "Show a schedule, its last run and its next runs.") { id, next };
        SetAction(host, command, async (ctx, ct) =>
        {
            var count = ctx.Parse.GetValue(next);
            if (count is < 0 or > 1000)
            {
                throw CliException.User($"--next {count} is out of range.", "Give --next between 0 and 1000.");
            }

            var scheduleId = ctx.Parse.GetValue(id)!;
            var client = await ctx.GetClientAsync(ct);
            var details = await client.Schedules.GetAsync(scheduleId, count, ctx.Options.Scheduler.DefaultTimeZone, ct)
                ?? throw NotFound(scheduleId);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(ScheduleFormat.ToJson(details));
            }
            else
            {
                ScheduleFormat.Print(ctx.Output, details);
            }

            return ExitCodes.Ok;
        }, StoreAccess.ReadOnly);
        return command;
    }

    private static Command UpdateCommand(CliHost host)
    {
        var id = IdArgument();
        var flags = new ScheduleFlags(forCreate: false);
        var command = new Command("update", "Change a schedule; flags not given keep their stored value.") { id };
        foreach (var o in flags.All)
        {
            command.Options.Add(o);
        }

        SetAction(host, command, async (ctx, ct) =>
        {
            var scheduleId = ctx.Parse.GetValue(id)!;
            if (!flags.HasAnyChange(ctx.Parse))
            {
                throw CliException.User("Nothing to update: no flags given.", $"Give at least one flag, e.g. 'buquet schedule update {scheduleId} -c \"0 * * * *\"'; see 'buquet schedule update --help'.");
            }

            var client = await ctx.GetClientAsync(ct);
            ScheduleExtensions? current = null;
            if (flags.HasExtensionFlags(ctx.Parse))
            {
                var details = await client.Schedules.GetAsync(scheduleId, 0, null, ct) ?? throw NotFound(scheduleId);
                current = details.Schedule.Extensions;
            }

            var updated = await client.Schedules.UpdateAsync(scheduleId, flags.ToUpdate(ctx, current), ct);
            Report(ctx, updated, $"Schedule updated: {CliOutput.Esc(updated.Id)}");
            if (ctx.Parse.GetValue(flags.Cron) is not null)
            {
                await ReportNextRunsAsync(ctx, client.Schedules, updated, ct);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Toggle(CliHost host, string name, string description, bool enable)
    {
        var id = IdArgument();
        var command = new Command(name, description) { id };
        SetAction(host, command, async (ctx, ct) =>
        {
            var client = await ctx.GetClientAsync(ct);
            var scheduleId = ctx.Parse.GetValue(id)!;
            var result = enable ? await client.Schedules.EnableAsync(scheduleId, ct) : await client.Schedules.DisableAsync(scheduleId, ct);
            Report(ctx, result, $"Schedule {CliOutput.Esc(result.Id)} {(enable ? "enabled" : "disabled")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DeleteCommand(CliHost host)
    {
        var id = IdArgument();
        var command = new Command("delete", "Delete a schedule and its last-run record.") { id };
        SetAction(host, command, async (ctx, ct) =>
        {
            var scheduleId = ctx.Parse.GetValue(id)!;
            var client = await ctx.GetClientAsync(ct);
            if (!await client.Schedules.DeleteAsync(scheduleId, ct))
            {
                throw NotFound(scheduleId);
            }

            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject { ["id"] = scheduleId, ["deleted"] = true });
            }
            else
            {
                ctx.Output.Line($"Schedule deleted: {CliOutput.Esc(scheduleId)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command TriggerCommand(CliHost host)
    {
        var id = IdArgument();
        var command = new Command("trigger", "Submit one run now (does not change the schedule's last run; works when disabled).") { id };
        SetAction(host, command, async (ctx, ct) =>
        {
            var scheduleId = ctx.Parse.GetValue(id)!;
            var client = await ctx.GetClientAsync(ct);
            var task = await client.Schedules.TriggerAsync(scheduleId, ct);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject { ["schedule_id"] = scheduleId, ["task"] = TaskFormat.ToJson(task) });
            }
            else
            {
                ctx.Output.Line($"Schedule {CliOutput.Esc(scheduleId)} triggered: task {task.Id}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Report(CliContext ctx, ScheduleDefinition schedule, string headline)
    {
        if (ctx.Json)
        {
            ctx.Output.WriteJson(ScheduleFormat.ToJson(schedule));
            return;
        }

        ctx.Output.Line(headline);
        ScheduleFormat.Print(ctx.Output, schedule);
    }

    /// <summary>
    /// After a create or a cron change (human output): the next runs with their weekdays, and on stderr the numeric
    /// day-of-week warning (<see cref="CronDayOfWeekWarning"/>).
    /// </summary>
    private static async Task ReportNextRunsAsync(CliContext ctx, ScheduleClient schedules, ScheduleDefinition schedule, CancellationToken ct)
    {
        if (CronDayOfWeekWarning.For(schedule.Cron) is { } warning)
        {
            ctx.Output.Warn(warning);
        }

        if (ctx.Json || !schedule.Enabled)
        {
            return;
        }

        var details = await schedules.GetAsync(schedule.Id, 5, ctx.Options.Scheduler.DefaultTimeZone, ct);
        if (details is { NextRuns.Count: > 0 })
        {
            ctx.Output.Line("Next Runs:");
            foreach (var n in details.NextRuns)
            {
                ctx.Output.Line($"  {TaskFormat.Time(n)} ({n.ToUniversalTime().DayOfWeek.ToString()[..3]})");
            }
        }
    }

    private static CliException NotFound(string id) =>
        CliException.User($"Schedule '{id}' does not exist.", "List the schedules with 'buquet schedule list', and check --store/--bucket/--local-path.");

    /// <summary><see cref="CliHost.SetAction"/> plus the schedule errors: bad cron, unknown id, duplicate id.</summary>
    private static void SetAction(CliHost host, Command command, Func<CliContext, CancellationToken, Task<int>> action, StoreAccess access = StoreAccess.ReadWrite) =>
        host.SetAction(command, async (ctx, ct) =>
        {
            try
            {
                return await action(ctx, ct);
            }
            catch (CronFormatException e)
            {
                throw CliException.User(e.Message, CronHint);
            }
            catch (ScheduleNotFoundException e)
            {
                throw CliException.User(e.Message, "List the schedules with 'buquet schedule list', and check --store/--bucket/--local-path.");
            }
            catch (ScheduleAlreadyExistsException e)
            {
                throw CliException.User(e.Message, "Change it with 'buquet schedule update ID ...', or 'buquet schedule delete ID' first.");
            }
        }, access);
}
