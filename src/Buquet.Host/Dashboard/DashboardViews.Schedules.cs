using System.Text;
using Buquet.Actors.Scheduling;
using static Buquet.Host.Dashboard.Html;

namespace Buquet.Host.Dashboard;

internal static partial class DashboardViews
{
    public static string ConfirmTrigger(ScheduleDefinition s, string antiforgeryField, string antiforgeryToken)
    {
        var path = "/schedules/" + Uri.EscapeDataString(s.Id) + "/trigger";
        var sb = new StringBuilder();
        sb.Append("<h2>Trigger schedule <code>").Append(E(s.Id)).Append("</code>?</h2>");
        sb.Append("<p>Submits one <b>").Append(E(s.TaskType)).Append("</b> task now with the schedule's input (cron <code>").Append(E(s.Cron))
            .Append("</code>); the schedule's own next run is not changed.</p>");
        sb.Append("<form method=\"post\" action=\"").Append(E(path)).Append("\">")
            .Append(Hidden(antiforgeryField, antiforgeryToken))
            .Append("<button type=\"submit\" class=\"danger\" id=\"confirm\">Yes, trigger</button> ")
            .Append("<a class=\"button\" href=\"/schedules\">No, go back</a></form>");
        return sb.ToString();
    }

    public static string TriggeredNotice(string? taskId, string? scheduleId)
    {
        if (taskId is null || !Guid.TryParseExact(taskId, "D", out var id))
        {
            return string.Empty;
        }

        return "<div class=\"notice\" id=\"notice\">Triggered schedule " + E(scheduleId) + ": submitted task <a id=\"triggered-task\" href=\"/tasks/"
            + id.ToString("D") + "\">" + id.ToString("D") + "</a>.</div>";
    }
}
