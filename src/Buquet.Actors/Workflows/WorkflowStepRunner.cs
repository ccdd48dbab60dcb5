using System.Text.Json;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Workflows;

/// <summary>
/// The handler of <c>workflow.step:{wf}:{step}</c> and <c>workflow.compensate:{wf}:{step}</c> tasks (buquet's
/// <c>handle_step</c>): runs the user's handler, records the result with a CAS that re-reads on conflict (a success is
/// never lost to a race), and submits an orchestrator task. A step that fails for good is recorded as failed and
/// triggers orchestration too (INTERNAL API).
/// </summary>
internal sealed class WorkflowStepRunner(WorkflowEngine engine, WorkflowDefinition workflow, WorkflowStepDefinition step)
{
    public async Task<JsonElement> RunStepAsync(JsonElement input, TaskContext task)
    {
        var (state, index, item) = await ReadAsync(input, task.CancellationToken).ConfigureAwait(false);
        var key = index is { } i ? WorkflowPlanner.ItemKey(step.Name, i) : step.Name;
        var ctx = new StepContext(state, step, task, engine.Json, item, index);
        object? value;
        try
        {
            value = await step.Handler!(ctx).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFinal(ex, task))
        {
            await RecordFailureAsync(state.Id, key, task.TaskId, ex.Message, task.CancellationToken).ConfigureAwait(false);
            throw;
        }

        foreach (var skipped in ctx.SkippedSteps)
        {
            if (workflow.Find(skipped) is not { } target || !target.DependsOn.Contains(step.Name, StringComparer.Ordinal))
            {
                throw new PermanentTaskException($"Step '{step.Name}' may only skip steps that depend on it; '{skipped}' does not.");
            }
        }

        var result = HandlerInput.Write(value, engine.Json);
        await engine.Store.PutStepResultAsync(state.Id, key, result, CancellationToken.None).ConfigureAwait(false);
        var written = await engine.Store.UpdateAsync(state.Id, (s, now) => Complete(s, key, result, ctx.SkippedSteps, now), CancellationToken.None).ConfigureAwait(false);
        await engine.SubmitOrchestrateAsync(state.Id, workflow.Name, $"{state.Id}:orchestrate:{written?.UpdatedAt}:{key}", null, CancellationToken.None, key).ConfigureAwait(false);
        return WorkflowEngine.Parse(new JsonOut().BeginObject().Name("success").Bool(true).Name("result").Element(result).Name("step").String(step.Name).EndObject().ToString());
    }

    public async Task<JsonElement> RunCompensationAsync(JsonElement input, TaskContext task)
    {
        var (state, _, _) = await ReadAsync(input, task.CancellationToken).ConfigureAwait(false);
        var ctx = new StepContext(state, step, task, engine.Json, null, null);
        string outcome;
        try
        {
            await step.Options.Compensate!(ctx).ConfigureAwait(false);
            outcome = StepState.Compensated;
        }
        catch (Exception ex) when (IsFinal(ex, task))
        {
            outcome = $"compensation failed: {ex.Message}";
            await RecordCompensationAsync(state.Id, task.TaskId, outcome).ConfigureAwait(false);
            throw;
        }

        await RecordCompensationAsync(state.Id, task.TaskId, outcome).ConfigureAwait(false);
        return WorkflowEngine.Parse(new JsonOut().BeginObject().Name("success").Bool(true).Name("step").String(step.Name).EndObject().ToString());
    }

    /// <summary>True when the executor will not run the task again after <paramref name="ex"/>.</summary>
    internal static bool IsFinal(Exception ex, TaskContext task) => ex switch
    {
        PermanentTaskException or InvalidTaskInputException => true,
        RescheduleTaskException => false,
        OperationCanceledException => task.CancellationReason == TaskCancellationReason.Timeout && task.RetryCount >= task.Task.MaxRetries,
        _ => task.RetryCount >= task.Task.MaxRetries,
    };

    private static WorkflowState? Complete(WorkflowState s, string key, JsonElement? result, IReadOnlyList<string> skip, string now)
    {
        var current = s.Step(key);
        if (current.Status == StepStatus.Completed)
        {
            return null; // at-least-once: a second success changes nothing
        }

        var next = s.WithStep(key, current with { Status = StepStatus.Completed, CompletedAt = now, Result = result, Error = null, TaskId = null });
        foreach (var target in skip)
        {
            if (next.Step(target).Status is StepStatus.Pending)
            {
                next = next.WithStep(target, next.Step(target) with { Status = StepStatus.Completed, CompletedAt = now, Error = StepState.Skipped });
            }
        }

        return next with { CurrentSteps = [.. next.CurrentSteps.Where(c => c != key)] };
    }

    private async Task RecordFailureAsync(string workflowId, string key, Guid taskId, string error, CancellationToken ct)
    {
        var written = await engine.Store.UpdateAsync(workflowId, (s, _) =>
        {
            var current = s.Step(key);
            return current.Status == StepStatus.Running && current.TaskId == taskId.ToString("D")
                ? s.WithStep(key, current with { Status = StepStatus.Failed, Error = error, TaskId = null })
                : null; // never turn a success (or a newer attempt) into a failure
        }, CancellationToken.None).ConfigureAwait(false);
        await engine.SubmitOrchestrateAsync(workflowId, workflow.Name, $"{workflowId}:orchestrate:{written?.UpdatedAt}:{key}:failed", null, CancellationToken.None, key).ConfigureAwait(false);
        _ = ct;
    }

    private async Task RecordCompensationAsync(string workflowId, Guid taskId, string outcome)
    {
        var written = await engine.Store.UpdateAsync(workflowId, (s, _) =>
        {
            var current = s.Step(step.Name);
            return current.Error == StepState.Compensating && current.TaskId == taskId.ToString("D")
                ? s.WithStep(step.Name, current with { Error = outcome, TaskId = null })
                : null;
        }, CancellationToken.None).ConfigureAwait(false);
        await engine.SubmitOrchestrateAsync(workflowId, workflow.Name, $"{workflowId}:orchestrate:{written?.UpdatedAt}:{step.Name}:compensated", null, CancellationToken.None, step.Name).ConfigureAwait(false);
    }

    private async Task<(WorkflowState State, int? Index, JsonElement? Item)> ReadAsync(JsonElement input, CancellationToken ct)
    {
        if (input.ValueKind != JsonValueKind.Object || !input.TryGetProperty("workflow_id", out var idElement) || idElement.ValueKind != JsonValueKind.String)
        {
            throw new PermanentTaskException($"Step task of '{workflow.Name}:{step.Name}' has no workflow_id in its input.");
        }

        var id = idElement.GetString()!;
        if (await engine.Store.GetAsync(id, ct).ConfigureAwait(false) is not var (state, _))
        {
            throw new PermanentTaskException($"Workflow {id} does not exist.");
        }

        int? index = input.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : null;
        JsonElement? item = index is not null && input.TryGetProperty("item", out var it) ? it.Clone() : null;
        return (state, index, item);
    }
}
