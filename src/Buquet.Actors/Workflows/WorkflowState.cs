using System.Collections.Immutable;
using System.Text.Json;

namespace Buquet.Actors.Workflows;

/// <summary>A workflow's status (wire: <c>pending running waiting_signal compensating paused completed failed cancelled</c>).</summary>
public enum WorkflowStatus
{
    /// <summary><c>pending</c>.</summary>
    Pending,

    /// <summary><c>running</c>.</summary>
    Running,

    /// <summary><c>waiting_signal</c>: every runnable step waits for a signal; no task runs.</summary>
    WaitingSignal,

    /// <summary><c>compensating</c>: compensation handlers are running.</summary>
    Compensating,

    /// <summary><c>paused</c>.</summary>
    Paused,

    /// <summary><c>completed</c>.</summary>
    Completed,

    /// <summary><c>failed</c>.</summary>
    Failed,

    /// <summary><c>cancelled</c>.</summary>
    Cancelled,
}

/// <summary>A step's status (wire: <c>pending running completed failed cancelled</c>).</summary>
public enum StepStatus
{
    /// <summary><c>pending</c>.</summary>
    Pending,

    /// <summary><c>running</c>.</summary>
    Running,

    /// <summary><c>completed</c>.</summary>
    Completed,

    /// <summary><c>failed</c>.</summary>
    Failed,

    /// <summary><c>cancelled</c>.</summary>
    Cancelled,
}

/// <summary>One step's state inside <c>state.json</c> (§2.11 StepState).</summary>
public sealed record StepState
{
    /// <summary>The <c>error</c> of a completed step that was skipped (a branch not taken, or a failed <c>continue</c> dependency).</summary>
    public const string Skipped = "skipped";

    /// <summary>The <c>error</c> of a completed step whose compensation task is running (its <c>task_id</c>).</summary>
    public const string Compensating = "compensating";

    /// <summary>The <c>error</c> of a completed step whose compensation ran.</summary>
    public const string Compensated = "compensated";

    /// <summary><c>status</c>.</summary>
    public StepStatus Status { get; init; }

    /// <summary><c>started_at</c> (writer's string).</summary>
    public string? StartedAt { get; init; }

    /// <summary><c>completed_at</c> (writer's string).</summary>
    public string? CompletedAt { get; init; }

    /// <summary><c>result</c> (a JSON null result is not stored).</summary>
    public JsonElement? Result { get; init; }

    /// <summary><c>error</c>.</summary>
    public string? Error { get; init; }

    /// <summary><c>attempt</c>.</summary>
    public long Attempt { get; init; }

    /// <summary><c>task_id</c>: the task running the step (or its compensation).</summary>
    public string? TaskId { get; init; }

    /// <summary>True for a completed step that was skipped.</summary>
    public bool IsSkipped => Status == StepStatus.Completed && Error == Skipped;
}

/// <summary><c>error</c> of a workflow (§2.11 WorkflowErrorInfo).</summary>
/// <param name="Type">E.g. <c>VersionMismatch</c>, <c>Cancelled</c>, <c>Paused</c>, <c>StepFailed</c>.</param>
/// <param name="Message">What happened.</param>
/// <param name="Step">The step, if any.</param>
/// <param name="Attempt">Its attempt, if any.</param>
/// <param name="At">When (writer's string).</param>
public sealed record WorkflowErrorInfo(string Type, string Message, string? Step = null, long? Attempt = null, string? At = null);

/// <summary><c>workflow/{id}/state.json</c> (protocol §2.11).</summary>
public sealed record WorkflowState
{
    /// <summary><c>id</c>.</summary>
    public required string Id { get; init; }

    /// <summary><c>type</c>: the workflow name.</summary>
    public required string Type { get; init; }

    /// <summary><c>definition_hash</c>.</summary>
    public required string DefinitionHash { get; init; }

    /// <summary><c>status</c>.</summary>
    public WorkflowStatus Status { get; init; }

    /// <summary><c>current_steps</c>: the running steps.</summary>
    public IReadOnlyList<string> CurrentSteps { get; init; } = [];

    /// <summary><c>data</c>: the workflow's input.</summary>
    public JsonElement? Data { get; init; }

    /// <summary><c>steps</c>, by name (map elements as <c>name[i]</c>).</summary>
    public ImmutableSortedDictionary<string, StepState> Steps { get; init; } = ImmutableSortedDictionary.Create<string, StepState>(Storage.KeyOrder.Instance);

    /// <summary><c>signals</c>: signal name → consumed cursor (key suffix incl. <c>.json</c>; null for none yet).</summary>
    public ImmutableSortedDictionary<string, string?> Signals { get; init; } = ImmutableSortedDictionary.Create<string, string?>(Storage.KeyOrder.Instance);

    /// <summary><c>error</c>.</summary>
    public WorkflowErrorInfo? Error { get; init; }

    /// <summary><c>created_at</c>.</summary>
    public required string CreatedAt { get; init; }

    /// <summary><c>updated_at</c>.</summary>
    public required string UpdatedAt { get; init; }

    /// <summary><c>orchestrator_task_id</c>.</summary>
    public string? OrchestratorTaskId { get; init; }

    /// <summary>True for completed, failed and cancelled.</summary>
    public bool IsTerminal => Status is WorkflowStatus.Completed or WorkflowStatus.Failed or WorkflowStatus.Cancelled;

    /// <summary>The step's state, or a pending one.</summary>
    /// <param name="name">The step.</param>
    /// <returns>Its state.</returns>
    public StepState Step(string name) => Steps.GetValueOrDefault(name) ?? new StepState();

    /// <summary>A copy with <paramref name="name"/>'s state replaced.</summary>
    /// <param name="name">The step.</param>
    /// <param name="state">Its new state.</param>
    /// <returns>The new workflow state.</returns>
    public WorkflowState WithStep(string name, StepState state) => this with { Steps = Steps.SetItem(name, state) };
}
