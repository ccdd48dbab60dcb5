using System.Globalization;
using System.Text;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Scheduling.Cron;
using static Buquet.Host.Dashboard.Html;

namespace Buquet.Host.Dashboard;

internal static partial class DashboardViews
{
    /// <summary>The actions of a schedule row, each behind a confirmation page.</summary>
    public static readonly string[] ScheduleActions = ["trigger", "enable", "disable", "delete"];

    public static string Schedules(DashboardSnapshot snap, string? defaultTimeZone)
    {
        var sb = new StringBuilder("<div id=\"schedules\" hx-get=\"/partials/schedules\" hx-trigger=\"every 5s\" hx-swap=\"outerHTML\">");
        sb.Append("<table><tr><th>Schedule</th><th>Task type</th><th>Cron</th><th>Time zone</th><th>Enabled</th><th>Next run</th><th>Last run</th><th>Last task</th><th></th></tr>");
        foreach (var v in snap.Schedules)
        {
            var s = v.Schedule;
            var zoneId = v.TimeZone ?? defaultTimeZone ?? "UTC";
            sb.Append("<tr data-schedule=\"").Append(E(s.Id)).Append("\"><td>").Append(E(s.Id)).Append("</td><td>").Append(E(s.TaskType)).Append("</td><td><code>").Append(E(s.Cron))
                .Append("</code></td><td class=\"zone\">").Append(E(zoneId)).Append(v.TimeZone is null ? " <span class=\"muted\">(default)</span>" : string.Empty).Append("</td><td>")
                .Append(s.Enabled ? "yes" : "no").Append("</td><td class=\"next-run\">").Append(NextRun(v, zoneId, snap.Now)).Append("</td><td>")
                .Append(Ago(v.LastRun?.LastRunAt, snap.Now)).Append("</td><td>");
            if (v.LastRun is { } run)
            {
                sb.Append("<a href=\"/tasks/").Append(run.LastTaskId.ToString("D")).Append("\">").Append(run.LastTaskId.ToString("D")[..8]).Append("</a>");
            }
            else
            {
                sb.Append('—');
            }

            var path = "/schedules/" + E(Uri.EscapeDataString(s.Id)) + "/";
            sb.Append("</td><td class=\"actions\"><a class=\"button\" href=\"").Append(path).Append("trigger\">Trigger…</a> ")
                .Append("<a class=\"button\" href=\"").Append(path).Append(s.Enabled ? "disable\">Disable…" : "enable\">Enable…").Append("</a> ")
                .Append("<a class=\"button danger\" href=\"").Append(path).Append("delete\">Delete…</a></td></tr>");
        }

        if (snap.Schedules.Count == 0)
        {
            sb.Append("<tr><td colspan=\"9\" class=\"muted\">No schedules.</td></tr>");
        }

        sb.Append("</table></div>");
        return sb.ToString();
    }

    /// <summary>
    /// The next slot after the store's now in the schedule's zone, computed as <c>buquet schedule show</c> does
    /// (<see cref="ScheduleClient.UpcomingRuns"/>): in UTC, with the zone's wall-clock time and how far off it is.
    /// </summary>
    private static string NextRun(ScheduleView v, string zoneId, DateTimeOffset now)
    {
        var s = v.Schedule;
        if (!s.Enabled)
        {
            return "—";
        }

        if (!CronExpression.TryParse(s.Cron, out _, out _))
        {
            return "invalid cron";
        }

        TimeZoneInfo zone;
        try
        {
            zone = CronTimeZone.Resolve(zoneId);
        }
        catch (ArgumentException e)
        {
            return "<span class=\"error\">" + E(e.Message) + "</span>";
        }

        var next = ScheduleClient.UpcomingRuns(s.Cron, s.Enabled, zoneId, now > DateTimeOffset.MinValue ? now : s.CreatedAt, 1);
        if (next.Count == 0)
        {
            return "none";
        }

        var local = TimeZoneInfo.ConvertTime(next[0], zone);
        var wall = zone == TimeZoneInfo.Utc ? string.Empty
            : E(local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)) + " " + E(zoneId) + " · ";
        return "<span class=\"utc\">" + Time(next[0]) + "</span><br><span class=\"muted\">" + wall + Ago(next[0], now) + "</span>";
    }

    public static string ConfirmSchedule(ScheduleDefinition s, string action, string antiforgeryField, string antiforgeryToken)
    {
        var path = "/schedules/" + Uri.EscapeDataString(s.Id) + "/" + action;
        var sb = new StringBuilder();
        sb.Append("<h2>").Append(char.ToUpperInvariant(action[0])).Append(action[1..]).Append(" schedule <code>").Append(E(s.Id)).Append("</code>?</h2><p>");
        sb.Append(action switch
        {
            "trigger" => "Submits one <b>" + E(s.TaskType) + "</b> task now with the schedule's input (cron <code>" + E(s.Cron)
                + "</code>); the schedule's own next run is not changed.",
            "enable" => "The schedule fires again from its next slot (cron <code>" + E(s.Cron) + "</code>).",
            "disable" => "The schedule stops firing until it is enabled again; tasks it already submitted are not touched.",
            _ => "Deletes the definition, its last-run record and its options. Tasks it already submitted are not touched. This cannot be undone.",
        });
        sb.Append("</p><form method=\"post\" action=\"").Append(E(path)).Append("\">")
            .Append(Hidden(antiforgeryField, antiforgeryToken))
            .Append("<button type=\"submit\" class=\"danger\" id=\"confirm\">Yes, ").Append(action).Append("</button> ")
            .Append("<a class=\"button\" href=\"/schedules\">No, go back</a></form>");
        return sb.ToString();
    }

    public static string ScheduleNotice(string? triggered, string? scheduleId, string? done)
    {
        if (triggered is not null && Guid.TryParseExact(triggered, "D", out var id))
        {
            return "<div class=\"notice\" id=\"notice\">Triggered schedule " + E(scheduleId) + ": submitted task <a id=\"triggered-task\" href=\"/tasks/"
                + id.ToString("D") + "\">" + id.ToString("D") + "</a>.</div>";
        }

        return done is "enabled" or "disabled" or "deleted"
            ? "<div class=\"notice\" id=\"notice\">Schedule " + E(scheduleId) + " " + done + ".</div>"
            : string.Empty;
    }
}
