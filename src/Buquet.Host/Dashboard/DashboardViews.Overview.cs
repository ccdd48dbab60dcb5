using System.Text;
using Buquet.Actors.Protocol;
using static Buquet.Host.Dashboard.Html;

namespace Buquet.Host.Dashboard;

/// <summary>Server-rendered views. Every dynamic value is HTML-encoded.</summary>
internal static partial class DashboardViews
{
    private static readonly BuquetTaskStatus[] Statuses = Enum.GetValues<BuquetTaskStatus>();

    public static string Overview(DashboardSnapshot snap, TimeSpan healthThreshold)
    {
        var sb = new StringBuilder();
        sb.Append("<div id=\"overview\" hx-get=\"/partials/overview\" hx-trigger=\"every 2s\" hx-swap=\"outerHTML\">");
        if (!snap.Warm)
        {
            sb.Append("<p class=\"muted\">Loading the queue…</p>");
        }

        var pending = snap.Tasks.Where(t => t.Status == BuquetTaskStatus.Pending && t.IsAvailableAt(snap.Now)).ToList();
        var age = pending.Count == 0 ? "—" : Age(snap.Now - pending.Min(t => t.AvailableAt));
        var alive = snap.Workers.Count(w => w.IsHealthyAt(snap.Now, healthThreshold));
        sb.Append("<div class=\"cards\">");
        Card(sb, "total", "/tasks", E(snap.Tasks.Count));
        foreach (var s in new[] { BuquetTaskStatus.Pending, BuquetTaskStatus.Running, BuquetTaskStatus.Completed, BuquetTaskStatus.Failed, BuquetTaskStatus.Cancelled, BuquetTaskStatus.Expired })
        {
            Card(sb, StatusName(s), "/tasks?status=" + StatusName(s), E(snap.Tasks.Count(t => t.Status == s)));
        }

        Card(sb, "queue age", "/tasks?status=pending", age);
        Card(sb, "workers alive", "/workers", $"{alive} / {snap.Workers.Count}");
        sb.Append("</div>");
        UnservedTypes(sb, snap, healthThreshold);

        Throughput(sb, snap);

        sb.Append("<h3>By task type</h3>");
        CountTable(sb, "Task type", snap.Tasks.GroupBy(t => t.TaskType).OrderBy(g => g.Key, StringComparer.Ordinal));
        sb.Append("<h3>By shard</h3>");
        CountTable(sb, "Shard", snap.Tasks.GroupBy(t => t.Shard).OrderBy(g => g.Key, StringComparer.Ordinal));
        if (snap.Malformed.Count > 0)
        {
            sb.Append("<div class=\"error\">").Append(E(snap.Malformed.Count)).Append(" unreadable task objects, e.g. ")
                .Append(E(snap.Malformed.First().Key)).Append(": ").Append(E(snap.Malformed.First().Value)).Append("</div>");
        }

        sb.Append("<p class=\"muted\">Store time ").Append(Time(snap.Now)).Append("</p></div>");
        return sb.ToString();
    }

    private static void Card(StringBuilder sb, string label, string href, string valueHtml) =>
        sb.Append("<a class=\"card\" data-card=\"").Append(E(label)).Append("\" href=\"").Append(E(href)).Append("\"><b>").Append(valueHtml).Append("</b>")
            .Append(E(label)).Append("</a>");

    private static void CountTable(StringBuilder sb, string first, IEnumerable<IGrouping<string, TaskRecord>> groups)
    {
        sb.Append("<table><tr><th>").Append(E(first)).Append("</th>");
        foreach (var s in Statuses)
        {
            sb.Append("<th class=\"n\">").Append(StatusName(s)).Append("</th>");
        }

        sb.Append("<th class=\"n\">total</th></tr>");
        foreach (var g in groups)
        {
            sb.Append("<tr><td>").Append(E(g.Key)).Append("</td>");
            foreach (var s in Statuses)
            {
                sb.Append("<td class=\"n\">").Append(E(g.Count(t => t.Status == s))).Append("</td>");
            }

            sb.Append("<td class=\"n\">").Append(E(g.Count())).Append("</td></tr>");
        }

        sb.Append("</table>");
    }

    /// <summary>Task types with available pending work that no live worker claims (workers list their types in
    /// <c>task_types</c>; workers that do not, such as peers, are assumed to claim every type).</summary>
    private static void UnservedTypes(StringBuilder sb, DashboardSnapshot snap, TimeSpan healthThreshold)
    {
        var live = snap.Workers.Where(w => w.IsHealthyAt(snap.Now, healthThreshold)).ToList();
        if (live.Any(w => w.TaskTypes is null))
        {
            return;
        }

        var served = live.SelectMany(w => w.TaskTypes!).ToHashSet(StringComparer.Ordinal);
        var unserved = snap.Tasks.Where(t => t.Status == BuquetTaskStatus.Pending && !served.Contains(t.TaskType))
            .GroupBy(t => t.TaskType).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (unserved.Count == 0)
        {
            return;
        }

        sb.Append("<div class=\"warning\" id=\"unserved\"><b>No live worker handles ").Append(E(unserved.Count)).Append(unserved.Count == 1 ? " task type" : " task types")
            .Append(" with pending work:</b> ");
        sb.AppendJoin(", ", unserved.Select(g => "<a href=\"/tasks?status=pending&amp;type=" + E(Uri.EscapeDataString(g.Key)) + "\">" + E(g.Key) + "</a> ("
            + E(g.Count()) + " pending)"));
        sb.Append(live.Count == 0
            ? ". No worker is alive."
            : ". Live workers handle: " + E(string.Join(", ", served.Order(StringComparer.Ordinal))) + ".");
        sb.Append("</div>");
    }
}
