using System.Text;
using Buquet.Actors.Protocol;
using static Buquet.Host.Dashboard.Html;

namespace Buquet.Host.Dashboard;

internal static partial class DashboardViews
{
    public static string TaskFilters(DashboardSnapshot snap, TaskFilter f, int shardPrefixLength)
    {
        var sb = new StringBuilder("<form class=\"filters\" method=\"get\" action=\"/tasks\">");
        sb.Append("<label>Status<select name=\"status\"><option value=\"\">all</option>");
        foreach (var s in Statuses)
        {
            sb.Append("<option").Append(f.Status == s ? " selected" : string.Empty).Append('>').Append(StatusName(s)).Append("</option>");
        }

        sb.Append("</select></label><label>Type<select name=\"type\"><option value=\"\">all</option>");
        var types = snap.Tasks.Select(t => t.TaskType).Append(f.TaskType ?? string.Empty).Where(t => t.Length > 0).Distinct().OrderBy(t => t, StringComparer.Ordinal);
        foreach (var t in types)
        {
            sb.Append("<option value=\"").Append(E(t)).Append('"').Append(f.TaskType == t ? " selected" : string.Empty).Append('>').Append(E(t)).Append("</option>");
        }

        sb.Append("</select></label><label>Shard<select name=\"shard\"><option value=\"\">all</option>");
        foreach (var shard in ShardSpace.For(shardPrefixLength).All.Take(256))
        {
            sb.Append("<option").Append(f.Shard == shard ? " selected" : string.Empty).Append('>').Append(E(shard)).Append("</option>");
        }

        sb.Append("</select></label><label>Updated<select name=\"range\">");
        foreach (var (value, label, _) in TaskFilter.Ranges)
        {
            sb.Append("<option value=\"").Append(value).Append('"').Append(f.Range == value ? " selected" : string.Empty).Append('>').Append(label).Append("</option>");
        }

        sb.Append("</select></label><button type=\"submit\">Apply</button></form>");
        return sb.ToString();
    }

    public static string TaskTable(DashboardSnapshot snap, TaskFilter f)
    {
        var all = f.Apply(snap.Tasks, snap.Now).ToList();
        var pages = Math.Max(1, (all.Count + TaskFilter.PageSize - 1) / TaskFilter.PageSize);
        var rows = all.Skip((f.Page - 1) * TaskFilter.PageSize).Take(TaskFilter.PageSize);
        var query = f.Query();
        var sb = new StringBuilder();
        sb.Append("<div id=\"task-table\" hx-get=\"/partials/tasks").Append(query.Length > 0 ? "?" + E(query) : string.Empty)
            .Append("\" hx-trigger=\"every 2s\" hx-swap=\"outerHTML\">");
        sb.Append("<p class=\"muted\" id=\"task-count\">").Append(E(all.Count)).Append(" tasks · page ").Append(E(f.Page)).Append(" of ").Append(E(pages)).Append("</p>");
        sb.Append("<table id=\"tasks\"><tr><th>Id</th><th>Type</th><th>Status</th><th>Shard</th><th>Attempt</th><th>Updated</th><th>Error</th></tr>");
        foreach (var t in rows)
        {
            sb.Append("<tr data-task=\"").Append(t.Id.ToString("D")).Append("\"><td><a href=\"/tasks/").Append(t.Id.ToString("D")).Append("\">")
                .Append(t.Id.ToString("D")[..8]).Append("</a></td><td>").Append(E(t.TaskType)).Append("</td><td>").Append(Badge(t.Status))
                .Append("</td><td>").Append(E(t.Shard)).Append("</td><td class=\"n\">").Append(E(t.Attempt)).Append("</td><td>").Append(Time(t.UpdatedAt))
                .Append("</td><td>").Append(E(Truncate(t.LastError, 80))).Append("</td></tr>");
        }

        sb.Append("</table><p>");
        if (f.Page > 1)
        {
            sb.Append("<a class=\"button\" href=\"/tasks?").Append(E(f.Query(f.Page - 1))).Append("\">← newer</a> ");
        }

        if (f.Page < pages)
        {
            sb.Append("<a class=\"button\" href=\"/tasks?").Append(E(f.Query(f.Page + 1))).Append("\">older →</a>");
        }

        sb.Append("</p></div>");
        return sb.ToString();
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max] + "…";
}
