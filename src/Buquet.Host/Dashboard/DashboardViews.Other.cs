using System.Text;
using Buquet.Actors.Protocol;
using static Buquet.Host.Dashboard.Html;

namespace Buquet.Host.Dashboard;

internal static partial class DashboardViews
{
    public static string Workers(DashboardSnapshot snap, TimeSpan threshold)
    {
        var running = snap.Tasks.Where(t => t.Status == BuquetTaskStatus.Running && t.WorkerId is not null).ToLookup(t => t.WorkerId!, StringComparer.Ordinal);
        var byId = snap.Tasks.ToDictionary(t => t.Id);
        var sb = new StringBuilder("<div id=\"workers\" hx-get=\"/partials/workers\" hx-trigger=\"every 2s\" hx-swap=\"outerHTML\">");
        sb.Append("<table><tr><th>Worker</th><th>Health</th><th>Last heartbeat</th><th>Started</th><th>Shards</th><th>Handles</th><th>Running tasks</th>")
            .Append("<th class=\"n\">Completed</th><th class=\"n\">Failed</th><th>Cluster</th></tr>");
        foreach (var w in snap.Workers)
        {
            var healthy = w.IsHealthyAt(snap.Now, threshold);
            sb.Append("<tr data-worker=\"").Append(E(w.WorkerId)).Append("\"><td>").Append(E(w.WorkerId)).Append("</td><td><span class=\"badge ").Append(healthy ? "completed\">healthy" : "failed\">stale")
                .Append("</span></td><td>").Append(Ago(w.LastHeartbeat, snap.Now)).Append("</td><td>").Append(Ago(w.StartedAt, snap.Now)).Append("</td><td>")
                .Append(E(w.Shards.Count > 8 ? $"{w.Shards.Count} shards" : string.Join(", ", w.Shards))).Append("</td><td>")
                .Append(w.TaskTypes is null ? "<span class=\"muted\">not reported</span>" : E(string.Join(", ", w.TaskTypes))).Append("</td><td class=\"tasks-running\">");
            var ids = (w.CurrentTasks ?? []).Concat(w.CurrentTask is { } c ? [c] : []).Concat(running[w.WorkerId].Select(t => t.Id)).Distinct().ToList();
            foreach (var id in ids)
            {
                sb.Append("<div><a href=\"/tasks/").Append(id.ToString("D")).Append("\">").Append(id.ToString("D")[..8]).Append("</a>");
                if (byId.TryGetValue(id, out var t))
                {
                    sb.Append(' ').Append(E(t.TaskType));
                }

                sb.Append("</div>");
            }

            if (ids.Count == 0)
            {
                sb.Append('—');
            }

            sb.Append("</td><td class=\"n\">").Append(E(w.TasksCompleted)).Append("</td><td class=\"n\">").Append(E(w.TasksFailed)).Append("</td><td class=\"cluster\">")
                .Append(E(w.Cluster ?? "absent"));
            if (w.Pickups is { } pickups)
            {
                sb.Append("<div class=\"muted\">pickups: ").Append(E(pickups.ToString())).Append("</div>");
            }

            sb.Append("</td></tr>");
        }

        if (snap.Workers.Count == 0)
        {
            sb.Append("<tr><td colspan=\"10\" class=\"muted\">No worker has registered.</td></tr>");
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
