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

        sb.Append("</select></label><button type=\"submit\">Apply</button>");
        var failedCount = snap.Tasks.Count(t => t.Status == BuquetTaskStatus.Failed && (f.TaskType is null || t.TaskType == f.TaskType));
        if (failedCount > 0)
        {
            sb.Append("<a class=\"button danger\" id=\"retry-failed\" href=\"/tasks/retry-failed").Append(f.TaskType is null ? string.Empty : "?type=" + E(Uri.EscapeDataString(f.TaskType)))
                .Append("\">Retry all failed").Append(f.TaskType is null ? string.Empty : " " + E(f.TaskType)).Append(" (").Append(E(failedCount)).Append(")…</a>");
        }

        sb.Append("</form>");
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
        sb.Append("<table id=\"tasks\"><tr><th>Id</th><th>Type</th><th>Status</th><th>Shard</th><th class=\"n\">Attempt</th><th>Created</th><th>Updated</th>")
            .Append("<th class=\"n\" title=\"From submit to finish; for open tasks, so far\">Duration</th><th>Error</th></tr>");
        foreach (var t in rows)
        {
            sb.Append("<tr data-task=\"").Append(t.Id.ToString("D")).Append("\"><td><a href=\"/tasks/").Append(t.Id.ToString("D")).Append("\">")
                .Append(t.Id.ToString("D")[..8]).Append("</a></td><td>").Append(E(t.TaskType)).Append("</td><td>").Append(Badge(t.Status))
                .Append("</td><td>").Append(E(t.Shard)).Append("</td><td class=\"n\">").Append(E(t.Attempt)).Append("</td><td>").Append(Ago(t.CreatedAt, snap.Now))
                .Append("</td><td>").Append(Ago(t.UpdatedAt, snap.Now)).Append("</td><td class=\"n\">").Append(E(Duration(TaskDuration(t, snap.Now))))
                .Append("</td><td>").Append(E(Truncate(t.LastError, 80))).Append("</td></tr>");
        }

        if (all.Count == 0)
        {
            sb.Append("<tr><td colspan=\"9\" class=\"muted\">No tasks match.</td></tr>");
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

    public static string ConfirmRetryFailed(int failed, int batch, string? type, string antiforgeryField, string antiforgeryToken)
    {
        var sb = new StringBuilder("<h2>Retry all failed").Append(type is null ? string.Empty : " <code>" + E(type) + "</code>").Append(" tasks?</h2>");
        if (failed == 0)
        {
            sb.Append("<p>There are no failed tasks").Append(type is null ? string.Empty : " of this type").Append(".</p><a class=\"button\" href=\"/tasks\">Back to tasks</a>");
            return sb.ToString();
        }

        sb.Append("<p>Replays <b id=\"retry-count\">").Append(E(batch)).Append("</b> of ").Append(E(failed)).Append(" failed tasks (oldest failure first; at most ")
            .Append(E(DashboardEndpoints.RetryFailedBatch)).Append(" per click): each goes back to pending now and keeps its attempt count, as <code>buquet replay</code> does.</p>");
        sb.Append("<form method=\"post\" action=\"/tasks/retry-failed\">").Append(Hidden(antiforgeryField, antiforgeryToken)).Append(Hidden("type", type))
            .Append("<button type=\"submit\" class=\"danger\" id=\"confirm\">Yes, retry ").Append(E(batch)).Append("</button> ")
            .Append("<a class=\"button\" href=\"/tasks?status=failed\">No, go back</a></form>");
        return sb.ToString();
    }

    public static string RetriedNotice(Microsoft.AspNetCore.Http.IQueryCollection query)
    {
        if (!int.TryParse(query["retried"], System.Globalization.CultureInfo.InvariantCulture, out var retried))
        {
            return string.Empty;
        }

        _ = int.TryParse(query["refused"], System.Globalization.CultureInfo.InvariantCulture, out var refused);
        _ = int.TryParse(query["left"], System.Globalization.CultureInfo.InvariantCulture, out var left);
        var sb = new StringBuilder("<div class=\"notice\" id=\"notice\">Retried ").Append(E(retried)).Append(retried == 1 ? " failed task" : " failed tasks");
        if (refused > 0)
        {
            sb.Append("; ").Append(E(refused)).Append(" could not be retried (no longer failed)");
        }

        sb.Append(". ").Append(left > 0 ? E(left) + " failed tasks remain: retry again for the next batch." : "No failed tasks remain.").Append("</div>");
        return sb.ToString();
    }

    /// <summary>Submit to finish for a finished task; submit to the store's now while it is open.</summary>
    private static TimeSpan TaskDuration(TaskRecord t, DateTimeOffset now) =>
        (t.IsTerminal ? t.CompletedAt ?? t.CancelledAt ?? t.ExpiredAt ?? t.UpdatedAt : now) - t.CreatedAt;

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max] + "…";
}
