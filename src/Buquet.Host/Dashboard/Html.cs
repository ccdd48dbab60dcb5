using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Buquet.Host.Dashboard;

/// <summary>Minimal HTML building: every dynamic value goes through <see cref="E(string?)"/>.</summary>
internal static class Html
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
        header{background:#1d2330;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.4rem;align-items:center}
        header a{color:#cfd6e4;text-decoration:none}header a.on{color:#fff;font-weight:600}
        header .brand{font-weight:700;color:#fff}main{padding:1rem 1.2rem}
        table{border-collapse:collapse;background:#fff;width:100%;margin:.5rem 0 1rem}
        th,td{padding:.35rem .6rem;border-bottom:1px solid #e3e6ec;text-align:left;font-size:.9rem;vertical-align:top}
        th{background:#eef0f4;font-weight:600}table.kv th{width:11rem}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
        .badge{padding:.1rem .45rem;border-radius:.6rem;font-size:.78rem;color:#fff;background:#6b7280}
        .pending{background:#2563eb}.running{background:#d97706}.completed{background:#16a34a}.failed{background:#dc2626}
        .cancelled{background:#6b7280}.archived{background:#374151}.expired{background:#7c3aed}
        .cards{display:flex;gap:.8rem;flex-wrap:wrap}.card{background:#fff;padding:.6rem .9rem;border-radius:.4rem;min-width:6rem;box-shadow:0 1px 2px #0001}
        a.card{color:inherit;text-decoration:none}a.card:hover{box-shadow:0 0 0 2px #2563eb55}
        .card b{display:block;font-size:1.5rem}.warning{background:#fffbeb;border:1px solid #d97706;padding:.5rem .8rem;margin:.5rem 0}pre{background:#fff;padding:.6rem;overflow:auto;max-height:20rem;border:1px solid #e3e6ec}
        form.filters{display:flex;gap:.6rem;flex-wrap:wrap;align-items:end}label{font-size:.8rem;display:flex;flex-direction:column}
        button,.button{padding:.3rem .8rem;border:1px solid #9aa3b2;background:#fff;border-radius:.3rem;cursor:pointer;color:#1d2330;text-decoration:none;font-size:.85rem}
        .danger{border-color:#dc2626;color:#dc2626}.notice{background:#ecfdf5;border:1px solid #16a34a;padding:.5rem .8rem;margin:.5rem 0}
        .error{background:#fef2f2;border:1px solid #dc2626;padding:.5rem .8rem;margin:.5rem 0}
        ol.timeline{list-style:none;padding-left:0;border-left:3px solid #cfd6e4;margin-left:.5rem}
        ol.timeline li{margin:.2rem 0 .6rem;padding-left:.8rem}.muted{color:#6b7280;font-size:.85rem}
        svg.chart{background:#fff;border:1px solid #e3e6ec;width:100%;height:auto;max-width:960px;display:block}
        svg.chart text{font-size:11px;fill:#6b7280;font-family:system-ui,sans-serif}svg.chart line{stroke:#e3e6ec}
        svg.chart line.axis{stroke:#9aa3b2}svg.chart rect.c{fill:#16a34a}svg.chart rect.f{fill:#dc2626}
        .legend{font-size:.8rem;color:#6b7280}.legend i{display:inline-block;width:.7rem;height:.7rem;margin:0 .25rem 0 .6rem;vertical-align:-1px}
        .waiting_signal{background:#0891b2}.compensating{background:#db2777}.paused{background:#9a3412}.skipped{background:#9ca3af}
        svg.dag{background:#fff;border:1px solid #e3e6ec;max-width:100%;height:auto;display:block}svg.dag text{font-size:12px;fill:#fff;font-family:system-ui,sans-serif}
        svg.dag path{stroke:#9aa3b2;fill:none;stroke-width:1.5}svg.dag rect{fill:#6b7280}svg.dag rect.pending{fill:#2563eb}svg.dag rect.running{fill:#d97706}
        svg.dag rect.completed{fill:#16a34a}svg.dag rect.failed{fill:#dc2626}svg.dag rect.skipped{fill:#9ca3af}
        form.inline{display:inline}.actions,td code,td.tasks-running div,time,tr[data-worker] td:first-child,tr[data-schedule] td:first-child,th{white-space:nowrap}
        """;

    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);

    public static string E(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? t) => t is { } v ? E(v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)) : "—";

    /// <summary>A store-clock instant relative to <paramref name="now"/> ("3 min ago", "in 2 h"), the absolute UTC
    /// time in the title.</summary>
    public static string Ago(DateTimeOffset? t, DateTimeOffset now)
    {
        if (t is not { } v)
        {
            return "—";
        }

        var delta = now - v;
        var text = delta >= TimeSpan.Zero ? Span(delta) + " ago" : "in " + Span(-delta);
        return "<time datetime=\"" + E(v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)) + "\" title=\"" + Time(v) + "\">" + E(text) + "</time>";
    }

    /// <summary>A duration for lists: "850 ms", "42 s", "3 min 5 s", "2 h 10 min", "3 d 4 h".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var c = CultureInfo.InvariantCulture;
        return span.TotalSeconds < 1 ? string.Create(c, $"{(long)span.TotalMilliseconds} ms")
            : span.TotalMinutes < 1 ? string.Create(c, $"{(long)span.TotalSeconds} s")
            : span.TotalHours < 1 ? string.Create(c, $"{span.Minutes} min {span.Seconds} s")
            : span.TotalDays < 1 ? string.Create(c, $"{span.Hours} h {span.Minutes} min")
            : string.Create(c, $"{(long)span.TotalDays} d {span.Hours} h");
    }

    /// <summary>A coarse span for relative times: "12 s", "3 min", "5 h", "2 d".</summary>
    private static string Span(TimeSpan span) =>
        span.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds} s")
        : span.TotalMinutes < 60 ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalMinutes} min")
        : span.TotalHours < 48 ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalHours} h")
        : string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalDays} d");

    public static string Age(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalSeconds < 120 ? $"{(long)span.TotalSeconds}s"
            : span.TotalMinutes < 120 ? $"{(long)span.TotalMinutes}m"
            : span.TotalHours < 48 ? $"{(long)span.TotalHours}h"
            : $"{(long)span.TotalDays}d";
    }

    public static string Badge(Buquet.Actors.Protocol.BuquetTaskStatus status)
    {
        var s = StatusName(status);
        return $"<span class=\"badge {s}\">{s}</span>";
    }

    public static string StatusName(Buquet.Actors.Protocol.BuquetTaskStatus status) => status.ToString().ToLowerInvariant();

    public static string Page(string title, string active, string body, bool showLogout)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append(" · buquet</title>");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>").Append(Style).Append("</style>");
        sb.Append("<script src=\"/static/").Append(DashboardAssets.HtmxFile).Append("\"></script>");
        sb.Append("<script src=\"/static/").Append(DashboardAssets.LiveFile).Append("\" defer></script></head><body><header><span class=\"brand\">buquet</span>");
        foreach (var (href, name) in new[] { ("/", "Overview"), ("/tasks", "Tasks"), ("/workers", "Workers"), ("/schedules", "Schedules"), ("/workflows", "Workflows") })
        {
            sb.Append("<a href=\"").Append(href).Append('"').Append(name == active ? " class=\"on\"" : string.Empty).Append('>').Append(name).Append("</a>");
        }

        if (showLogout)
        {
            sb.Append("<a href=\"/logout\" style=\"margin-left:auto\">Log out</a>");
        }

        sb.Append("</header><main>").Append(body).Append("</main></body></html>");
        return sb.ToString();
    }

    public static string Hidden(string name, string? value) => $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">";
}
