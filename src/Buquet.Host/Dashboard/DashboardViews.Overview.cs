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
        Card(sb, "total", snap.Tasks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var s in new[] { BuquetTaskStatus.Pending, BuquetTaskStatus.Running, BuquetTaskStatus.Completed, BuquetTaskStatus.Failed })
        {
            Card(sb, StatusName(s), E(snap.Tasks.Count(t => t.Status == s)));
        }

        Card(sb, "queue age", age);
        Card(sb, "workers alive", $"{alive} / {snap.Workers.Count}");
        sb.Append("</div>");

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

    private static void Card(StringBuilder sb, string label, string valueHtml) =>
        sb.Append("<div class=\"card\" data-card=\"").Append(E(label)).Append("\"><b>").Append(valueHtml).Append("</b>").Append(E(label)).Append("</div>");

    private static void CountTable(StringBuilder sb, string first, IEnumerable<IGrouping<string, TaskRecord>> groups)
    {
        sb.Append("<table><tr><th>").Append(E(first)).Append("</th>");
        foreach (var s in Statuses)
        {
            sb.Append("<th>").Append(StatusName(s)).Append("</th>");
        }

        sb.Append("<th>total</th></tr>");
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

    /// <summary>Completions and failures per minute over the last 30 minutes (store time), from the cache.</summary>
    private static void Throughput(StringBuilder sb, DashboardSnapshot snap)
    {
        const int Minutes = 30;
        var done = new int[Minutes];
        var failed = new int[Minutes];
        foreach (var t in snap.Tasks)
        {
            if (t.CompletedAt is not { } at)
            {
                continue;
            }

            var ago = (int)Math.Floor((snap.Now - at).TotalMinutes);
            if (ago is >= 0 and < Minutes)
            {
                (t.Status == BuquetTaskStatus.Failed ? failed : done)[Minutes - 1 - ago]++;
            }
        }

        var max = Math.Max(1, Enumerable.Range(0, Minutes).Max(i => done[i] + failed[i]));
        var total = done.Sum() + failed.Sum();
        var rate = total == 0 ? 0 : 100.0 * failed.Sum() / total;
        sb.Append("<h3>Throughput, last 30 min</h3><p class=\"muted\">").Append(E(done.Sum())).Append(" completed, ").Append(E(failed.Sum()))
            .Append(" failed (failure rate ").Append(rate.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)).Append(" %)</p><div class=\"bars\" title=\"per minute\">");
        for (var i = 0; i < Minutes; i++)
        {
            sb.Append("<div style=\"height:").Append(E(100 * done[i] / max)).Append("%\"></div>");
            if (failed[i] > 0)
            {
                sb.Append("<div class=\"f\" style=\"height:").Append(E(100 * failed[i] / max)).Append("%\"></div>");
            }
        }

        sb.Append("</div>");
    }
}
