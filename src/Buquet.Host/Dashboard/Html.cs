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
        th{background:#eef0f4;font-weight:600}table.kv th{width:11rem}td.n{text-align:right;font-variant-numeric:tabular-nums}
        .badge{padding:.1rem .45rem;border-radius:.6rem;font-size:.78rem;color:#fff;background:#6b7280}
        .pending{background:#2563eb}.running{background:#d97706}.completed{background:#16a34a}.failed{background:#dc2626}
        .cancelled{background:#6b7280}.archived{background:#374151}.expired{background:#7c3aed}
        .cards{display:flex;gap:.8rem;flex-wrap:wrap}.card{background:#fff;padding:.7rem 1rem;border-radius:.4rem;min-width:8rem;box-shadow:0 1px 2px #0001}
        .card b{display:block;font-size:1.5rem}pre{background:#fff;padding:.6rem;overflow:auto;max-height:20rem;border:1px solid #e3e6ec}
        form.filters{display:flex;gap:.6rem;flex-wrap:wrap;align-items:end}label{font-size:.8rem;display:flex;flex-direction:column}
        button,.button{padding:.3rem .8rem;border:1px solid #9aa3b2;background:#fff;border-radius:.3rem;cursor:pointer;color:#1d2330;text-decoration:none;font-size:.85rem}
        .danger{border-color:#dc2626;color:#dc2626}.notice{background:#ecfdf5;border:1px solid #16a34a;padding:.5rem .8rem;margin:.5rem 0}
        .error{background:#fef2f2;border:1px solid #dc2626;padding:.5rem .8rem;margin:.5rem 0}
        ol.timeline{list-style:none;padding-left:0;border-left:3px solid #cfd6e4;margin-left:.5rem}
        ol.timeline li{margin:.2rem 0 .6rem;padding-left:.8rem}.muted{color:#6b7280;font-size:.85rem}
        .bars{display:flex;align-items:end;gap:2px;height:80px;background:#fff;padding:.4rem;border:1px solid #e3e6ec}
        .bars div{flex:1;background:#16a34a;min-height:1px}.bars div.f{background:#dc2626}
        """;

    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);

    public static string E(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? t) => t is { } v ? E(v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)) : "—";

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
        foreach (var (href, name) in new[] { ("/", "Overview"), ("/tasks", "Tasks"), ("/workers", "Workers"), ("/schedules", "Schedules") })
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
