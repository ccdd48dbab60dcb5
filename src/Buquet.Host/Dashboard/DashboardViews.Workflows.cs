using System.Globalization;
using System.Text;
using Buquet.Actors.Workflows;
using static Buquet.Host.Dashboard.Html;

namespace Buquet.Host.Dashboard;

internal static partial class DashboardViews
{
    private const int DagBoxWidth = 130;
    private const int DagBoxHeight = 30;
    private const int DagColumn = 180;
    private const int DagRow = 46;

    public static string Workflows(IReadOnlyList<WorkflowRow> rows, int total)
    {
        var sb = new StringBuilder("<table id=\"workflows\"><tr><th>Workflow</th><th>Type</th><th>Status</th><th class=\"n\">Steps done</th><th>Updated</th></tr>");
        foreach (var row in rows.OrderByDescending(r => r.State?.UpdatedAt is { } u && DateTimeOffset.TryParse(u, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.MinValue))
        {
            sb.Append("<tr data-workflow=\"").Append(E(row.Id)).Append("\"><td><a href=\"/workflows/").Append(E(Uri.EscapeDataString(row.Id))).Append("\">").Append(E(row.Id)).Append("</a></td>");
            if (row.State is not { } s)
            {
                sb.Append("<td colspan=\"4\" class=\"error\">").Append(E(row.Problem ?? "The state object is gone.")).Append("</td></tr>");
                continue;
            }

            sb.Append("<td>").Append(E(s.Type)).Append("</td><td>").Append(WorkflowBadge(s.Status)).Append("</td><td class=\"n\">")
                .Append(E(s.Steps.Values.Count(p => p.Status == StepStatus.Completed))).Append(" / ").Append(E(s.Steps.Count)).Append("</td><td>")
                .Append(E(s.UpdatedAt)).Append("</td></tr>");
        }

        if (rows.Count == 0)
        {
            sb.Append("<tr><td colspan=\"5\" class=\"muted\">No workflow in the bucket.</td></tr>");
        }

        sb.Append("</table>");
        if (total > rows.Count)
        {
            sb.Append("<p class=\"muted\">The ").Append(E(rows.Count)).Append(" most recently written of ").Append(E(total)).Append(" workflows.</p>");
        }

        return sb.ToString();
    }

    public static string Workflow(WorkflowState state, WorkflowDefinition? definition, IReadOnlyList<SignalRow> signals)
    {
        var sb = new StringBuilder();
        sb.Append("<h2>Workflow <code>").Append(E(state.Id)).Append("</code> ").Append(WorkflowBadge(state.Status)).Append("</h2><table class=\"kv\">");
        Row(sb, "Type", E(state.Type));
        Row(sb, "Definition hash", "<code>" + E(state.DefinitionHash) + "</code>");
        Row(sb, "Created", E(state.CreatedAt));
        Row(sb, "Updated", E(state.UpdatedAt));
        Row(sb, "Orchestrator task", TaskLink(state.OrchestratorTaskId));
        Row(sb, "Current steps", OrDash(state.CurrentSteps.Count == 0 ? null : string.Join(", ", state.CurrentSteps)));
        Row(sb, "Error", state.Error is { } e ? E($"{e.Type}: {e.Message}" + (e.Step is null ? string.Empty : $" (step {e.Step})")) : "—");
        sb.Append("</table>");

        var steps = OrderedSteps(state, definition);
        sb.Append("<h3>Steps</h3>");
        if (definition is null)
        {
            sb.Append("<p class=\"muted\">This dashboard does not know the definition of ").Append(E(state.Type))
                .Append(" (with this hash), so the dependencies are unknown: steps are listed in the order they started.</p>");
        }
        else
        {
            AppendDag(sb, state, definition, steps);
        }

        sb.Append("<table id=\"steps\"><tr><th class=\"n\">Level</th><th>Step</th><th>Depends on</th><th>State</th><th class=\"n\">Attempt</th><th>Task</th><th>Started</th><th>Completed</th><th>Error</th></tr>");
        foreach (var (name, level, deps) in steps)
        {
            var s = state.Step(name);
            sb.Append("<tr data-step=\"").Append(E(name)).Append("\"><td class=\"n\">").Append(level is { } l ? E(l) : "—").Append("</td><td>").Append(E(name)).Append("</td><td>")
                .Append(deps is null ? "?" : deps.Count == 0 ? "—" : E(string.Join(", ", deps))).Append("</td><td>").Append(StepBadge(s)).Append("</td><td class=\"n\">")
                .Append(E(s.Attempt)).Append("</td><td>").Append(TaskLink(s.TaskId)).Append("</td><td>").Append(OrDash(s.StartedAt)).Append("</td><td>")
                .Append(OrDash(s.CompletedAt)).Append("</td><td>").Append(E(s.Error ?? string.Empty)).Append("</td></tr>");
        }

        sb.Append("</table>");
        AppendSignals(sb, state, signals);
        return sb.ToString();
    }

    /// <summary>
    /// Steps in dependency order with their level (longest path from a root) and dependencies when the definition is
    /// known, map elements (<c>name[i]</c>) after their step; otherwise the state's steps in start order.
    /// </summary>
    private static List<(string Name, long? Level, IReadOnlyList<string>? Deps)> OrderedSteps(WorkflowState state, WorkflowDefinition? definition)
    {
        var result = new List<(string, long?, IReadOnlyList<string>?)>();
        if (definition is null)
        {
            result.AddRange(state.Steps.OrderBy(p => p.Value.StartedAt is { } t && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.MaxValue)
                .ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, (long?)null, (IReadOnlyList<string>?)null)));
            return result;
        }

        var deps = definition.Steps.ToDictionary(s => s.Name, s => s.DependsOn, StringComparer.Ordinal);
        var levels = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var name in WorkflowDag.TopologicalOrder(deps))
        {
            levels[name] = deps[name].Count == 0 ? 0 : deps[name].Max(d => levels[d]) + 1;
            result.Add((name, levels[name], deps[name]));
            foreach (var element in state.Steps.Keys.Where(k => k.StartsWith(name + "[", StringComparison.Ordinal)).OrderBy(k => k.Length).ThenBy(k => k, StringComparer.Ordinal))
            {
                result.Add((element, levels[name], [name]));
            }
        }

        result.AddRange(state.Steps.Keys.Where(k => result.All(r => r.Item1 != k)).Select(k => (k, (long?)null, (IReadOnlyList<string>?)null)));
        return result;
    }

    /// <summary>The DAG as an SVG: one column per level, one box per defined step coloured by its state, an edge per dependency.</summary>
    private static void AppendDag(StringBuilder sb, WorkflowState state, WorkflowDefinition definition, List<(string Name, long? Level, IReadOnlyList<string>? Deps)> steps)
    {
        var boxes = new Dictionary<string, (int X, int Y)>(StringComparer.Ordinal);
        var rowsPerLevel = new Dictionary<long, int>();
        foreach (var (name, level, _) in steps.Where(s => definition.Find(s.Name) is not null))
        {
            var l = level ?? 0;
            var row = rowsPerLevel.GetValueOrDefault(l);
            rowsPerLevel[l] = row + 1;
            boxes[name] = (10 + (int)l * DagColumn, 10 + row * DagRow);
        }

        var width = boxes.Values.Max(b => b.X) + DagBoxWidth + 10;
        var height = boxes.Values.Max(b => b.Y) + DagBoxHeight + 10;
        var c = CultureInfo.InvariantCulture;
        sb.Append(c, $"<svg class=\"dag\" id=\"dag\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Steps and their dependencies\">");
        foreach (var step in definition.Steps)
        {
            foreach (var dep in step.DependsOn)
            {
                var (x1, y1) = boxes[dep];
                var (x2, y2) = boxes[step.Name];
                var (ax, ay, bx, by) = (x1 + DagBoxWidth, y1 + (DagBoxHeight / 2), x2, y2 + (DagBoxHeight / 2));
                sb.Append(c, $"<path d=\"M{ax} {ay} C{ax + 25} {ay} {bx - 25} {by} {bx} {by}\"/>");
            }
        }

        foreach (var (name, (x, y)) in boxes)
        {
            var s = state.Step(name);
            var elements = state.Steps.Keys.Count(k => k.StartsWith(name + "[", StringComparison.Ordinal));
            var label = name + (elements > 0 ? $" ×{elements}" : string.Empty);
            var link = Guid.TryParse(s.TaskId, out var taskId);
            sb.Append(link ? $"<a href=\"/tasks/{taskId:D}\">" : string.Empty)
                .Append(c, $"<g data-step=\"{E(name)}\"><title>{E(name)}: {E(StepStateName(s))}</title><rect class=\"{E(StepStateName(s))}\" x=\"{x}\" y=\"{y}\" width=\"{DagBoxWidth}\" height=\"{DagBoxHeight}\" rx=\"5\"/>")
                .Append(c, $"<text x=\"{x + 8}\" y=\"{y + 19}\">{E(label.Length > 18 ? label[..17] + "…" : label)}</text></g>")
                .Append(link ? "</a>" : string.Empty);
        }

        sb.Append("</svg>");
    }

    private static void AppendSignals(StringBuilder sb, WorkflowState state, IReadOnlyList<SignalRow> signals)
    {
        sb.Append("<h3>Signals</h3><table id=\"signals\"><tr><th>Signal</th><th>Sent</th><th>Key</th><th>Consumed</th><th>Payload</th></tr>");
        foreach (var s in signals)
        {
            var cursor = state.Signals.GetValueOrDefault(s.Name);
            var sent = s.Suffix.LastIndexOf('_') is var u and > 0 ? s.Suffix[..u] : s.Suffix;
            sb.Append("<tr data-signal=\"").Append(E(s.Name)).Append("\"><td>").Append(E(s.Name)).Append("</td><td>").Append(E(sent)).Append("</td><td><code>").Append(E(s.Suffix))
                .Append("</code></td><td>").Append(cursor == s.Suffix ? "cursor" : string.Empty).Append("</td><td>")
                .Append(s.Read ? "<pre>" + E(s.Payload ?? "null") + "</pre>" : "<span class=\"muted\">not read</span>").Append("</td></tr>");
        }

        if (signals.Count == 0)
        {
            sb.Append("<tr><td colspan=\"5\" class=\"muted\">No signal was sent to this workflow.</td></tr>");
        }

        sb.Append("</table>");
        if (state.Signals.Count > 0)
        {
            sb.Append("<p class=\"muted\">Consumed up to: ")
                .Append(string.Join("; ", state.Signals.Select(p => E(p.Key) + " → " + (p.Value is null ? "nothing yet" : "<code>" + E(p.Value) + "</code>")))).Append("</p>");
        }
    }

    private static string TaskLink(string? taskId) =>
        Guid.TryParse(taskId, out var id) ? $"<a href=\"/tasks/{id:D}\">{id.ToString("D")[..8]}</a>" : OrDash(taskId);

    private static string OrDash(string? value) => value is null ? "—" : E(value);

    private static string WorkflowBadge(WorkflowStatus status)
    {
        var s = WorkflowJson.ToWire(status);
        return $"<span class=\"badge {s}\">{s}</span>";
    }

    private static string StepStateName(StepState s) => s.IsSkipped ? StepState.Skipped : WorkflowJson.ToWire(s.Status);

    private static string StepBadge(StepState s)
    {
        var name = StepStateName(s);
        return $"<span class=\"badge {name}\">{name}</span>";
    }
}
