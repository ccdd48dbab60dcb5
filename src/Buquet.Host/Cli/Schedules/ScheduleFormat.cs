using System.Globalization;
using System.Text.Json.Nodes;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Scheduling.Planning;
using Buquet.Host.Output;

namespace Buquet.Host.Cli.Schedules;

/// <summary>The JSON shapes and human lines of the <c>schedule</c> commands (documented in docs/cli.md).</summary>
internal static class ScheduleFormat
{
    public static JsonObject ToJson(ScheduleDefinition s) => new()
    {
        ["id"] = s.Id,
        ["task_type"] = s.TaskType,
        ["cron"] = s.Cron,
        ["enabled"] = s.Enabled,
        ["input"] = TaskFormat.Node(s.Input),
        ["timeout_seconds"] = s.Timeout is { } t ? (long)t.TotalSeconds : null,
        ["max_retries"] = s.MaxRetries,
        ["created_at"] = TaskFormat.Time(s.CreatedAt),
        ["updated_at"] = TaskFormat.Time(s.UpdatedAt),
        ["extensions"] = s.Extensions is { } e ? ToJson(e) : null,
    };

    public static JsonObject ToJson(ScheduleExtensions e) => new()
    {
        ["time_zone"] = e.TimeZone,
        ["catch_up"] = e.CatchUp.ToString(),
        ["jitter_seconds"] = e.MaxJitter.TotalSeconds,
        ["first_run"] = FirstRun(e.FirstRun),
    };

    public static JsonObject ToJson(ScheduleDetails d) => new()
    {
        ["schedule"] = ToJson(d.Schedule),
        ["last_run"] = d.LastRun is { } r
            ? new JsonObject
            {
                ["last_run_at"] = TaskFormat.Time(r.LastRunAt),
                ["last_task_id"] = r.LastTaskId.ToString(),
                ["next_run_at"] = r.NextRunAt is { } n ? TaskFormat.Time(n) : null,
            }
            : null,
        ["next_runs"] = new JsonArray([.. d.NextRuns.Select(n => (JsonNode)TaskFormat.Time(n))]),
    };

    public static string FirstRun(FirstRunPolicy p) => p == FirstRunPolicy.FromEpoch ? "from-epoch" : "after-creation";

    /// <summary>The detail lines of one schedule.</summary>
    public static void Print(CliOutput o, ScheduleDefinition s)
    {
        o.Line($"Schedule:    {CliOutput.Esc(s.Id)}");
        o.Line($"Task Type:   {CliOutput.Esc(s.TaskType)}");
        o.Line($"Cron:        {CliOutput.Esc(s.Cron)}");
        o.Line($"Enabled:     {(s.Enabled ? "[green]yes[/]" : "[yellow]no[/]")}");
        o.Line($"Input:       {CliOutput.Esc(s.Input?.GetRawText() ?? "null")}");
        o.Line($"Timeout:     {(s.Timeout is { } t ? TaskFormat.Seconds(t) : "queue default")}");
        o.Line($"Max Retries: {(s.MaxRetries is { } m ? m.ToString(CultureInfo.InvariantCulture) : "queue default")}");
        if (s.Extensions is { } e)
        {
            o.Line($"Time Zone:   {CliOutput.Esc(e.TimeZone)}");
            o.Line($"Catch-up:    {e.CatchUp}");
            o.Line($"Jitter:      {TaskFormat.Seconds(e.MaxJitter)}");
            o.Line($"First Run:   {FirstRun(e.FirstRun)}");
        }
        else
        {
            o.Line("Extensions:  none (scheduler defaults: buquet.scheduler.default-time-zone and catch-up)");
        }

        o.Line($"Created:     {TaskFormat.Time(s.CreatedAt)}");
        o.Line($"Updated:     {TaskFormat.Time(s.UpdatedAt)}");
    }

    public static void Print(CliOutput o, ScheduleDetails d)
    {
        Print(o, d.Schedule);
        if (d.LastRun is { } r)
        {
            o.Line($"Last Run:    {TaskFormat.Time(r.LastRunAt)} (task {r.LastTaskId})");
        }
        else
        {
            o.Line("Last Run:    never");
        }

        if (d.NextRuns.Count == 0)
        {
            o.Line(d.Schedule.Enabled ? "Next Runs:   none" : "Next Runs:   none (disabled)");
            return;
        }

        o.Line("Next Runs:");
        foreach (var n in d.NextRuns)
        {
            o.Line($"  {TaskFormat.Time(n)} ({n.ToUniversalTime().DayOfWeek.ToString()[..3]})");
        }
    }
}
