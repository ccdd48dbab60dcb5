using System.Globalization;
using System.Text.Json;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Workflows;

/// <summary>The pure rules of one orchestration pass: what a state means and what comes next (INTERNAL API).</summary>
internal static class WorkflowPlanner
{
    /// <summary>Error type of a step that failed for good under fail_workflow, pause_workflow or compensate.</summary>
    public const string StepFailed = "StepFailed";

    /// <summary>The state key of map element <paramref name="index"/>: <c>name[i]</c>.</summary>
    public static string ItemKey(string step, int index) => $"{step}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>The element keys of map step <paramref name="step"/> present in the state, by index.</summary>
    public static List<(int Index, string Key)> Items(WorkflowState state, string step)
    {
        var items = new List<(int, string)>();
        var prefix = step + "[";
        foreach (var key in state.Steps.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.EndsWith(']')
                && int.TryParse(key.AsSpan(prefix.Length, key.Length - prefix.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            {
                items.Add((i, key));
            }
        }

        items.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return items;
    }

    /// <summary>A dependency that lets its dependents run: completed (or skipped), or failed under <c>continue</c>.</summary>
    public static bool IsSettled(WorkflowDefinition def, WorkflowState state, string step)
    {
        var s = state.Step(step);
        return s.Status == StepStatus.Completed || (s.Status == StepStatus.Failed && def.Find(step)?.Options.OnFailure == OnFailure.Continue);
    }

    /// <summary>A dependency whose dependents are skipped when all their dependencies are: skipped, or failed under <c>continue</c>.</summary>
    public static bool IsSkipSource(WorkflowDefinition def, WorkflowState state, string step)
    {
        var s = state.Step(step);
        return s.IsSkipped || (s.Status == StepStatus.Failed && def.Find(step)?.Options.OnFailure == OnFailure.Continue);
    }

    /// <summary>Steps not started whose dependencies are all skip sources become skipped (in topological order, transitively).</summary>
    public static WorkflowState PropagateSkips(WorkflowDefinition def, WorkflowState state, string now)
    {
        foreach (var name in def.TopologicalOrder())
        {
            var step = def.Find(name)!;
            var s = state.Step(name);
            if (s.Status is StepStatus.Pending && step.DependsOn.Count > 0 && step.DependsOn.All(d => IsSkipSource(def, state, d)))
            {
                state = state.WithStep(name, s with { Status = StepStatus.Completed, CompletedAt = now, Error = StepState.Skipped, TaskId = null });
            }
        }

        return state;
    }

    /// <summary>A running map step whose elements all completed gets the list of their results; a failed element fails it.</summary>
    public static WorkflowState AggregateMaps(WorkflowDefinition def, WorkflowState state, string now)
    {
        foreach (var step in def.Steps.Where(s => s.Kind == StepKind.Map))
        {
            var s = state.Step(step.Name);
            if (s.Status != StepStatus.Running)
            {
                continue;
            }

            var items = Items(state, step.Name);
            if (items.FirstOrDefault(i => state.Step(i.Key).Status is StepStatus.Failed or StepStatus.Cancelled) is { Key: not null } bad)
            {
                state = state.WithStep(step.Name, s with { Status = StepStatus.Failed, Error = $"element {bad.Index}: {state.Step(bad.Key).Error ?? "failed"}", TaskId = null });
            }
            else if (items.All(i => state.Step(i.Key).Status == StepStatus.Completed))
            {
                var list = new JsonOut().BeginArray();
                foreach (var (_, key) in items)
                {
                    list.Element(state.Step(key).Result);
                }

                state = state.WithStep(step.Name, s with { Status = StepStatus.Completed, CompletedAt = now, Result = WorkflowEngine.Parse(list.EndArray().ToString()), TaskId = null });
            }
        }

        return state;
    }

    /// <summary>
    /// buquet's terminal checks: a failed step under fail_workflow → failed, under compensate → compensating, under
    /// pause_workflow → paused; every step completed (or failed under continue) → completed. Null: keep going.
    /// </summary>
    public static WorkflowState? Terminal(WorkflowDefinition def, WorkflowState state, string now)
    {
        foreach (var name in def.TopologicalOrder())
        {
            var s = state.Step(name);
            if (s.Status != StepStatus.Failed)
            {
                continue;
            }

            var policy = def.Find(name)!.Options.OnFailure;
            var error = new WorkflowErrorInfo(StepFailed, $"Step '{name}' failed: {s.Error ?? "failed"}", name, s.Attempt, now);
            switch (policy)
            {
                case OnFailure.FailWorkflow:
                    return state with { Status = WorkflowStatus.Failed, Error = error, CurrentSteps = [] };
                case OnFailure.Compensate:
                    return state with { Status = WorkflowStatus.Compensating, Error = error, CurrentSteps = [] };
                case OnFailure.PauseWorkflow:
                    return state with { Status = WorkflowStatus.Paused, Error = error };
            }
        }

        return def.Steps.All(s => IsSettled(def, state, s.Name))
            ? state with { Status = WorkflowStatus.Completed, CurrentSteps = [], Error = null }
            : null;
    }

    /// <summary>Defined steps not started (pending, absent or cancelled) whose dependencies have all settled.</summary>
    public static IEnumerable<WorkflowStepDefinition> Ready(WorkflowDefinition def, WorkflowState state) =>
        def.Steps.Where(step => state.Step(step.Name).Status is StepStatus.Pending or StepStatus.Cancelled
            && step.DependsOn.All(d => IsSettled(def, state, d)));

    /// <summary>Sets <c>current_steps</c> and the status: running while a task runs, waiting_signal while only signals are awaited.</summary>
    public static WorkflowState Settle(WorkflowDefinition def, WorkflowState state)
    {
        if (state.Status is not (WorkflowStatus.Running or WorkflowStatus.WaitingSignal or WorkflowStatus.Pending))
        {
            return state;
        }

        var running = def.Steps.Where(s => state.Step(s.Name).Status == StepStatus.Running).ToList();
        var onlySignals = running.Count > 0 && running.All(s => s.Kind == StepKind.Signal);
        var current = running.Select(s => s.Name).Order(Storage.KeyOrder.Instance).ToList();
        var status = onlySignals ? WorkflowStatus.WaitingSignal : WorkflowStatus.Running;
        return state.Status == status && state.CurrentSteps.SequenceEqual(current, StringComparer.Ordinal)
            ? state
            : state with { Status = status, CurrentSteps = current };
    }

    /// <summary>The next step to compensate (reverse topological order), or null; a compensation in flight blocks.</summary>
    public static (WorkflowStepDefinition? Next, bool Busy) NextCompensation(WorkflowDefinition def, WorkflowState state)
    {
        foreach (var name in def.TopologicalOrder().Reverse())
        {
            var s = state.Step(name);
            if (s.Status == StepStatus.Completed && s.Error == StepState.Compensating)
            {
                return (null, true);
            }
        }

        foreach (var name in def.TopologicalOrder().Reverse())
        {
            var step = def.Find(name)!;
            var s = state.Step(name);
            if (step.Options.Compensate is not null && s.Status == StepStatus.Completed && s.Error is null)
            {
                return (step, false);
            }
        }

        return (null, false);
    }

    /// <summary>A finished step task's <c>output</c> → the step's result (buquet wraps it as <c>{"success","result","step"}</c>).</summary>
    public static JsonElement? ResultOf(JsonElement? output) =>
        output is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("result", out var r) && o.TryGetProperty("step", out _)
            ? (r.ValueKind == JsonValueKind.Null ? null : r.Clone())
            : output;
}
