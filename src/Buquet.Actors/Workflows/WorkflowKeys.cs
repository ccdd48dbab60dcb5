using Buquet.Actors.Protocol;

namespace Buquet.Actors.Workflows;

/// <summary>The workflow objects' keys (protocol §2.11–2.13) and the name rules they imply.</summary>
public static class WorkflowKeys
{
    /// <summary>The prefix of every workflow object.</summary>
    public const string Prefix = "workflow/";

    /// <summary><c>workflow/{id}/state.json</c>.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <returns>The key.</returns>
    public static string State(string workflowId) => $"{Prefix}{workflowId}/state.json";

    /// <summary><c>workflow/{id}/steps/{name}.json</c>: the step's result.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="step">The step (or map element, <c>name[i]</c>).</param>
    /// <returns>The key.</returns>
    public static string StepResult(string workflowId, string step) => $"{Prefix}{workflowId}/steps/{step}.json";

    /// <summary><c>workflow/{id}/signals/{name}/</c>: the prefix of one signal's objects.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="signal">The signal name.</param>
    /// <returns>The prefix.</returns>
    public static string SignalPrefix(string workflowId, string signal) => $"{Prefix}{workflowId}/signals/{signal}/";

    /// <summary><c>workflow/{id}/signals/{name}/{ts}_{uuid}.json</c>.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="signal">The signal name.</param>
    /// <param name="timestamp">The writer's timestamp string.</param>
    /// <param name="id">The signal id.</param>
    /// <returns>The key.</returns>
    public static string Signal(string workflowId, string signal, string timestamp, Guid id) =>
        $"{SignalPrefix(workflowId, signal)}{timestamp}_{id:D}.json";

    /// <summary>Validates a workflow id (one key segment, no <c>/</c>).</summary>
    /// <param name="workflowId">The id.</param>
    /// <returns>The id.</returns>
    public static string ValidateWorkflowId(string? workflowId) => ValidateSegment(workflowId, "workflow id");

    /// <summary>Validates a step name: one key segment without <c>[</c> or <c>]</c> (used for map elements).</summary>
    /// <param name="step">The name.</param>
    /// <returns>The name.</returns>
    public static string ValidateStepName(string? step)
    {
        ValidateSegment(step, "step name");
        return step!.AsSpan().IndexOfAny('[', ']') >= 0
            ? throw new ArgumentException($"Invalid step name '{step}': '[' and ']' are reserved for map elements.", nameof(step))
            : step!;
    }

    /// <summary>Validates a signal name (one key segment).</summary>
    /// <param name="signal">The name.</param>
    /// <returns>The name.</returns>
    public static string ValidateSignalName(string? signal) => ValidateSegment(signal, "signal name");

    private static string ValidateSegment(string? value, string what)
    {
        try
        {
            return KeyComponents.ValidateTaskType(value, what.Replace(' ', '_'));
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(ex.Message.Replace("task type", what, StringComparison.Ordinal), what.Replace(' ', '_'), ex);
        }
    }
}

/// <summary>The task types workflows use (protocol §5.2).</summary>
public static class WorkflowTaskTypes
{
    /// <summary>The orchestrator task: input <c>{"workflow_id": id}</c>.</summary>
    public const string Orchestrate = "workflow.orchestrate";

    /// <summary>
    /// The <c>timeout_seconds</c> of every orchestrator task this library submits (ADR 0023): a pass is a handful of
    /// store calls (plus one submit per element of a fan-out), and a worker killed while holding one leaves it to be
    /// recovered only when this lease runs out. buquet's Python layer submits them with the queue default (300 s).
    /// </summary>
    public static readonly TimeSpan OrchestrateTimeout = TimeSpan.FromSeconds(60);

    /// <summary><c>workflow.step:{workflow}:{step}</c>.</summary>
    /// <param name="workflow">The workflow type.</param>
    /// <param name="step">The step.</param>
    /// <returns>The task type.</returns>
    public static string Step(string workflow, string step) => $"workflow.step:{workflow}:{step}";

    /// <summary><c>workflow.compensate:{workflow}:{step}</c> (.NET addition: buquet never runs compensation).</summary>
    /// <param name="workflow">The workflow type.</param>
    /// <param name="step">The step.</param>
    /// <returns>The task type.</returns>
    public static string Compensate(string workflow, string step) => $"workflow.compensate:{workflow}:{step}";
}
