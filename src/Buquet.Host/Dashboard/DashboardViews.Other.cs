using System.Text;
using Buquet.Actors.Scheduling.Cron;
using static Buquet.Host.Dashboard.Html;

namespace Buquet.Host.Dashboard;

internal static partial class DashboardViews
{
    public static string Workers(DashboardSnapshot snap, TimeSpan threshold)
    {
        var sb = new StringBuilder("<div id=\"workers\" hx-get=\"/partials/workers\" hx-trigger=\"every 2s\" hx-swap=\"outerHTML\">");
        sb.Append("<table><tr><th>Worker</th><th>Health</th><th>Last heartbeat</th><th>Started</th><th>Shards</th><th>Current task</th><th>Completed</th><th>Failed</th></tr>");
        foreach (var w in snap.Workers)
        {
            var healthy = w.IsHealthyAt(snap.Now, threshold);
            sb.Append("<tr><td>").Append(E(w.WorkerId)).Append("</td><td><span class=\"badge ").Append(healthy ? "completed\">healthy" : "failed\">stale")
                .Append("</span></td><td>").Append(E(Age(snap.Now - w.LastHeartbeat))).Append(" ago</td><td>").Append(Time(w.StartedAt)).Append("</td><td>")
                .Append(E(w.Shards.Count > 8 ? $"{w.Shards.Count} shards" : string.Join(", ", w.Shards))).Append("</td><td>");
            if (w.CurrentTask is { } id)
            {
                sb.Append("<a href=\"/tasks/").Append(id.ToString("D")).Append("\">").Append(id.ToString("D")[..8]).Append("</a>");
            }
            else
            {
                sb.Append('—');
            }

            sb.Append("</td><td class=\"n\">").Append(E(w.TasksCompleted)).Append("</td><td class=\"n\">").Append(E(w.TasksFailed)).Append("</td></tr>");
        }

        if (snap.Workers.Count == 0)
        {
            sb.Append("<tr><td colspan=\"8\" class=\"muted\">No worker has registered.</td></tr>");
        }

        sb.Append("</table></div>");
        return sb.ToString();
    }

    public static string Schedules(DashboardSnapshot snap)
    {
        var sb = new StringBuilder("<div id=\"schedules\" hx-get=\"/partials/schedules\" hx-trigger=\"every 5s\" hx-swap=\"outerHTML\">");
        sb.Append("<table><tr><th>Schedule</th><th>Task type</th><th>Cron</th><th>Enabled</th><th>Next run</th><th>Last run</th><th>Last task</th><th></th></tr>");
        foreach (var v in snap.Schedules)
        {
            var s = v.Schedule;
            string next;
            if (v.LastRun is { } lr)
            {
                next = Time(lr.NextRunAt);
            }
            else if (CronExpression.TryParse(s.Cron, out var cron, out _) && cron is not null)
            {
                next = Time(cron.GetNextOccurrence(snap.Now > DateTimeOffset.MinValue ? snap.Now : s.CreatedAt));
            }
            else
            {
                next = "invalid cron";
            }

            sb.Append("<tr><td>").Append(E(s.Id)).Append("</td><td>").Append(E(s.TaskType)).Append("</td><td><code>").Append(E(s.Cron)).Append("</code></td><td>")
                .Append(s.Enabled ? "yes" : "no").Append("</td><td>").Append(s.Enabled ? next : "—").Append("</td><td>").Append(Time(v.LastRun?.LastRunAt)).Append("</td><td>");
            if (v.LastRun is { } run)
            {
                sb.Append("<a href=\"/tasks/").Append(run.LastTaskId.ToString("D")).Append("\">").Append(run.LastTaskId.ToString("D")[..8]).Append("</a>");
            }
            else
            {
                sb.Append('—');
            }

            sb.Append("</td><td><a class=\"button\" href=\"/schedules/").Append(E(Uri.EscapeDataString(s.Id))).Append("/trigger\">Trigger…</a></td></tr>");
        }

        if (snap.Schedules.Count == 0)
        {
            sb.Append("<tr><td colspan=\"8\" class=\"muted\">No schedules.</td></tr>");
        }

        sb.Append("</table></div>");
        return sb.ToString();
    }

    public static string Login(string returnTo, string antiforgeryField, string antiforgeryToken, bool failed)
    {
        var sb = new StringBuilder("<h2>Sign in</h2>");
        if (failed)
        {
            sb.Append("<div class=\"error\">That access token is not valid.</div>");
        }

        sb.Append("<form method=\"post\" action=\"/login\">").Append(Hidden(antiforgeryField, antiforgeryToken)).Append(Hidden("return", returnTo))
            .Append("<label>Access token<input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"current-password\" required></label> ")
            .Append("<button type=\"submit\" id=\"login\">Sign in</button></form>");
        return sb.ToString();
    }
}
