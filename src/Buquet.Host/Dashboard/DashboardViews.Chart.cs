using System.Globalization;
using System.Text;
using Buquet.Actors.Protocol;
using static Buquet.Host.Dashboard.Html;

namespace Buquet.Host.Dashboard;

internal static partial class DashboardViews
{
    private const int ChartMinutes = 30;
    private const int ChartWidth = 960;
    private const int ChartHeight = 190;
    private const int PlotLeft = 44;
    private const int PlotRight = 12;
    private const int PlotTop = 10;
    private const int PlotBottom = 30;

    /// <summary>
    /// Completions and failures per minute over the last 30 minutes (store time), from the cache, as an inline SVG bar
    /// chart: a y axis in tasks per minute with a rounded scale (see <see cref="Ticks"/>) and a time axis labelled every 5 minutes
    /// in UTC. Each bar has a tooltip with its minute and counts.
    /// </summary>
    private static void Throughput(StringBuilder sb, DashboardSnapshot snap)
    {
        var done = new int[ChartMinutes];
        var failed = new int[ChartMinutes];
        var firstMinute = MinuteStart(snap.Now).AddMinutes(-(ChartMinutes - 1));
        foreach (var t in snap.Tasks)
        {
            if (t.CompletedAt is not { } at || t.Status is not (BuquetTaskStatus.Completed or BuquetTaskStatus.Failed))
            {
                continue;
            }

            var slotIndex = (int)Math.Floor((at - firstMinute).TotalMinutes);
            if (slotIndex is >= 0 and < ChartMinutes && at <= snap.Now)
            {
                (t.Status == BuquetTaskStatus.Failed ? failed : done)[slotIndex]++;
            }
        }

        var total = done.Sum() + failed.Sum();
        var rate = total == 0 ? 0 : 100.0 * failed.Sum() / total;
        sb.Append("<h3>Throughput, last 30 minutes</h3><p class=\"muted\">").Append(E(done.Sum())).Append(" completed, ").Append(E(failed.Sum()))
            .Append(" failed (failure rate ").Append(rate.ToString("0.#", CultureInfo.InvariantCulture)).Append(" %)")
            .Append("<span class=\"legend\"><i style=\"background:#16a34a\"></i>completed<i style=\"background:#dc2626\"></i>failed · tasks per minute, UTC</span></p>");

        var top = NiceCeiling(Enumerable.Range(0, ChartMinutes).Max(i => done[i] + failed[i]));
        var plotW = ChartWidth - PlotLeft - PlotRight;
        var plotH = ChartHeight - PlotTop - PlotBottom;
        var slot = (double)plotW / ChartMinutes;
        var baseline = PlotTop + plotH;
        sb.Append("<svg class=\"chart\" id=\"throughput\" viewBox=\"0 0 ").Append(ChartWidth).Append(' ').Append(ChartHeight)
            .Append("\" role=\"img\" aria-label=\"completed and failed tasks per minute\">");
        foreach (var value in Ticks(top))
        {
            var y = baseline - (double)plotH * value / top;
            sb.Append("<line").Append(value == 0 ? " class=\"axis\"" : string.Empty).Append(" x1=\"").Append(F(PlotLeft)).Append("\" x2=\"").Append(F(ChartWidth - PlotRight))
                .Append("\" y1=\"").Append(F(y)).Append("\" y2=\"").Append(F(y)).Append("\"/>")
                .Append("<text class=\"y-tick\" x=\"").Append(F(PlotLeft - 6)).Append("\" y=\"").Append(F(y + 4)).Append("\" text-anchor=\"end\">").Append(E(value)).Append("</text>");
        }

        sb.Append("<line class=\"axis\" x1=\"").Append(F(PlotLeft)).Append("\" x2=\"").Append(F(PlotLeft)).Append("\" y1=\"").Append(F(PlotTop))
            .Append("\" y2=\"").Append(F(baseline)).Append("\"/>");
        for (var i = 0; i < ChartMinutes; i++)
        {
            var x = PlotLeft + (slot * i) + 1;
            var minute = firstMinute.AddMinutes(i);
            var hDone = (double)plotH * done[i] / top;
            var hFailed = (double)plotH * failed[i] / top;
            sb.Append("<g><title>").Append(E(minute.ToString("HH:mm'Z'", CultureInfo.InvariantCulture))).Append(": ").Append(E(done[i])).Append(" completed, ")
                .Append(E(failed[i])).Append(" failed</title>");
            Bar(sb, "c", x, baseline - hDone, slot - 2, hDone);
            Bar(sb, "f", x, baseline - hDone - hFailed, slot - 2, hFailed);
            sb.Append("</g>");
            if (i % 5 == 0 || i == ChartMinutes - 1)
            {
                sb.Append("<text class=\"x-tick\" x=\"").Append(F(x + ((slot - 2) / 2))).Append("\" y=\"").Append(F(baseline + 18)).Append("\" text-anchor=\"middle\">")
                    .Append(E(minute.ToString("HH:mm", CultureInfo.InvariantCulture))).Append("</text>");
            }
        }

        sb.Append("</svg>");
    }

    /// <summary>The smallest of 2, 5 or 10 × 10ⁿ at or above <paramref name="max"/>, so every tick is a whole number.</summary>
    internal static int NiceCeiling(int max)
    {
        var step = 1;
        while (true)
        {
            foreach (var m in new[] { 2, 5, 10 })
            {
                if (m * step >= max)
                {
                    return m * step;
                }
            }

            step *= 10;
        }
    }

    /// <summary>Scale ticks from 0 to <paramref name="top"/>: fifths of a 5 × 10ⁿ top, halves of the others.</summary>
    internal static IEnumerable<int> Ticks(int top)
    {
        var leading = top;
        while (leading >= 10)
        {
            leading /= 10;
        }

        var step = leading == 5 ? top / 5 : top / 2;
        for (var v = 0; v <= top; v += step)
        {
            yield return v;
        }
    }

    private static void Bar(StringBuilder sb, string cls, double x, double y, double w, double h)
    {
        if (h <= 0)
        {
            return;
        }

        sb.Append("<rect class=\"").Append(cls).Append("\" x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append("\" width=\"").Append(F(w))
            .Append("\" height=\"").Append(F(h)).Append("\"/>");
    }

    private static DateTimeOffset MinuteStart(DateTimeOffset t) =>
        new(t.UtcDateTime.Year, t.UtcDateTime.Month, t.UtcDateTime.Day, t.UtcDateTime.Hour, t.UtcDateTime.Minute, 0, TimeSpan.Zero);

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
