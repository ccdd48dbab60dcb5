using System.Text;
using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using static Buquet.Host.Dashboard.Html;

namespace Buquet.Host.Dashboard;

internal static partial class DashboardViews
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static IReadOnlyList<string> ActionsFor(TaskRecord t) => t.Status switch
    {
        BuquetTaskStatus.Pending or BuquetTaskStatus.Running => ["cancel"],
        BuquetTaskStatus.Failed => ["replay", "archive"],
        BuquetTaskStatus.Completed => ["archive"],
        _ => [],
    };

    public static string TaskDetail(TaskWithPayloads detail, TaskHistoryPage? history, string? notice, string? error, SchemaView? schema = null)
    {
        var t = detail.Task;
        var sb = new StringBuilder();
        sb.Append("<h2>Task <code>").Append(t.Id.ToString("D")).Append("</code> ").Append(Badge(t.Status)).Append("</h2>");
        if (notice is not null)
        {
            sb.Append("<div class=\"notice\" id=\"notice\">").Append(E(notice)).Append("</div>");
        }

        if (error is not null)
        {
            sb.Append("<div class=\"error\" id=\"action-error\">").Append(E(error)).Append("</div>");
        }

        sb.Append("<p>");
        foreach (var action in ActionsFor(t))
        {
            sb.Append("<a class=\"button").Append(action == "cancel" ? " danger" : string.Empty).Append("\" href=\"/tasks/").Append(t.Id.ToString("D"))
                .Append("/actions/").Append(action).Append("\">").Append(char.ToUpperInvariant(action[0])).Append(action[1..]).Append("…</a> ");
        }

        sb.Append("</p><table class=\"kv\">");
        Row(sb, "Type", E(t.TaskType));
        Row(sb, "Shard", E(t.Shard));
        Row(sb, "Attempt", E(t.Attempt));
        Row(sb, "Retries", $"{E(t.RetryCount)} / {E(t.MaxRetries)}");
        Row(sb, "Worker", E(t.WorkerId ?? "—"));
        Row(sb, "Created", Time(t.CreatedAt));
        Row(sb, "Available", Time(t.AvailableAt));
        Row(sb, "Updated", Time(t.UpdatedAt));
        Row(sb, "Lease expires", Time(t.LeaseExpiresAt));
        Row(sb, "Completed", Time(t.CompletedAt));
        if (t.CompletedAt is { } done)
        {
            Row(sb, "Duration", E(Age(done - t.CreatedAt)) + " since creation");
        }

        Row(sb, "Cancelled", t.CancelledAt is null ? "—" : Time(t.CancelledAt) + " by " + E(t.CancelledBy ?? "—"));
        Row(sb, "Expires", Time(t.ExpiresAt));
        sb.Append("</table>");
        if (t.LastError is not null)
        {
            sb.Append("<h3>Error</h3><pre id=\"error\">").Append(E(t.LastError)).Append("</pre>");
        }

        sb.Append("<h3>Input").Append(t.InputRef is null ? string.Empty : " <span class=\"muted\">(from " + E(t.InputRef) + ")</span>").Append("</h3><pre id=\"input\">")
            .Append(E(Json(detail.Input))).Append("</pre>");
        sb.Append("<h3>Output").Append(t.OutputRef is null ? string.Empty : " <span class=\"muted\">(from " + E(t.OutputRef) + ")</span>").Append("</h3><pre id=\"output\">")
            .Append(E(Json(detail.Output))).Append("</pre>");
        if (schema is not null)
        {
            AppendSchema(sb, t.TaskType, schema);
        }

        sb.Append("<h3>History</h3>");
        if (history is null || history.Versions.Count == 0)
        {
            sb.Append("<p class=\"muted\">The store keeps no versions of this task (bucket versioning is off).</p>");
        }
        else
        {
            sb.Append("<ol class=\"timeline\" id=\"history\">");
            foreach (var v in history.Versions.Reverse())
            {
                sb.Append("<li>");
                if (v.Task is { } vt)
                {
                    sb.Append(Badge(vt.Status)).Append(' ').Append(Time(vt.UpdatedAt)).Append(" <span class=\"muted\">attempt ").Append(E(vt.Attempt));
                    if (vt.WorkerId is not null)
                    {
                        sb.Append(" · worker ").Append(E(vt.WorkerId));
                    }

                    sb.Append("</span>");
                    if (vt.LastError is not null)
                    {
                        sb.Append("<br><span class=\"muted\">").Append(E(Truncate(vt.LastError, 200))).Append("</span>");
                    }
                }
                else
                {
                    sb.Append("unreadable version ").Append(E(v.VersionId)).Append(": ").Append(E(v.Error?.Problem));
                }

                sb.Append("</li>");
            }

            sb.Append("</ol>");
        }

        return sb.ToString();
    }

    public static string Confirm(TaskRecord t, string action, string antiforgeryField, string antiforgeryToken)
    {
        var sb = new StringBuilder();
        sb.Append("<h2>").Append(E(char.ToUpperInvariant(action[0]) + action[1..])).Append(" task <code>").Append(t.Id.ToString("D")).Append("</code>?</h2>");
        sb.Append("<p>Type ").Append(E(t.TaskType)).Append(", status ").Append(Badge(t.Status)).Append(".</p>");
        sb.Append("<form method=\"post\" action=\"/tasks/").Append(t.Id.ToString("D")).Append("/actions/").Append(E(action)).Append("\">")
            .Append(Hidden(antiforgeryField, antiforgeryToken))
            .Append("<button type=\"submit\" class=\"danger\" id=\"confirm\">Yes, ").Append(E(action)).Append("</button> ")
            .Append("<a class=\"button\" href=\"/tasks/").Append(t.Id.ToString("D")).Append("\">No, go back</a></form>");
        return sb.ToString();
    }

    /// <summary>The task type's schema (<c>schemas/{type}.json</c>), folded; or that there is none, or why it is unreadable.</summary>
    private static void AppendSchema(StringBuilder sb, string taskType, SchemaView view)
    {
        sb.Append("<h3>Schema <span class=\"muted\">(").Append(E(TaskKeys.Schema(taskType))).Append(")</span></h3>");
        if (view.Problem is not null)
        {
            sb.Append("<p class=\"error\" id=\"schema\">").Append(E(view.Problem)).Append("</p>");
        }
        else if (view.Schema is not { } schema)
        {
            sb.Append("<p class=\"muted\" id=\"schema\">No schema for this task type (<code>buquet schema set</code> stores one).</p>");
        }
        else
        {
            var parts = string.Join(" and ", new[] { schema.Input is null ? null : "input", schema.Output is null ? null : "output" }.OfType<string>());
            sb.Append("<details id=\"schema\"><summary>JSON Schema of the ").Append(E(parts.Length == 0 ? "(no parts)" : parts)).Append("</summary><pre>")
                .Append(E(JsonSerializer.Serialize(JsonDocument.Parse(schema.ToString()).RootElement, BuquetJson.TypeInfo<JsonElement>(Pretty)))).Append("</pre></details>");
        }
    }

    private static void Row(StringBuilder sb, string label, string valueHtml) =>
        sb.Append("<tr><th>").Append(E(label)).Append("</th><td>").Append(valueHtml).Append("</td></tr>");

    private static string Json(JsonElement? value) =>
        value is { } v && v.ValueKind != JsonValueKind.Null ? JsonSerializer.Serialize(v, BuquetJson.TypeInfo<JsonElement>(Pretty)) : "null";
}

/// <summary>What the task page shows of its type's schema: the schema, none (both null), or why it cannot be read.</summary>
internal sealed record SchemaView(Buquet.Actors.Schemas.TaskSchema? Schema, string? Problem);
