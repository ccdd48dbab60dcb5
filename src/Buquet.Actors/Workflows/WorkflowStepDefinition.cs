namespace Buquet.Actors.Workflows;

/// <summary>What a workflow does when a step fails for good (buquet's <c>on_failure</c>).</summary>
public enum OnFailure
{
    /// <summary><c>fail_workflow</c> (the default): the workflow becomes <c>failed</c>.</summary>
    FailWorkflow,

    /// <summary><c>pause_workflow</c>: the workflow becomes <c>paused</c> (resume re-runs orchestration).</summary>
    PauseWorkflow,

    /// <summary><c>continue</c>: the failure is recorded; the step's dependents are skipped, the rest goes on.</summary>
    Continue,

    /// <summary>
    /// <c>compensate</c>: the workflow becomes <c>compensating</c>, the completed steps' compensation handlers run in
    /// reverse dependency order (each once), then it becomes <c>failed</c>.
    /// </summary>
    Compensate,
}

/// <summary>How a step is run.</summary>
public enum StepKind
{
    /// <summary>A handler run as one task.</summary>
    Task,

    /// <summary>A handler run once per element of another step's list result (fan-out); its result is the list of results in order.</summary>
    Map,

    /// <summary>A durable wait for a signal: no task and no worker slot while waiting; the result is the signal's payload.</summary>
    Signal,
}

/// <summary>Options of one step.</summary>
public sealed record StepOptions
{
    /// <summary>The steps this one waits for.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Task retries of the step (the task's <c>max_retries</c>).</summary>
    /// <value>The default is 3.</value>
    public int Retries { get; init; } = 3;

    /// <summary>Task timeout of the step; for a signal step, how long to wait for the signal.</summary>
    /// <value>The default is 300 seconds.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>What a failure for good does.</summary>
    /// <value>The default is <see cref="OnFailure.FailWorkflow"/>.</value>
    public OnFailure OnFailure { get; init; } = OnFailure.FailWorkflow;

    /// <summary>Undoes the step's effect when a later <see cref="OnFailure.Compensate"/> step fails (run once, as a task).</summary>
    public Func<StepContext, Task>? Compensate { get; init; }
}

/// <summary>One step of a <see cref="WorkflowDefinition"/>.</summary>
public sealed class WorkflowStepDefinition
{
    internal WorkflowStepDefinition(string name, StepKind kind, StepOptions options, Func<StepContext, Task<object?>>? handler, string? source)
    {
        Name = name;
        Kind = kind;
        Options = options;
        Handler = handler;
        Source = source;
    }

    /// <summary>The step's name (its key in the state's <c>steps</c>).</summary>
    public string Name { get; }

    /// <summary>How it runs.</summary>
    public StepKind Kind { get; }

    /// <summary>Its options.</summary>
    public StepOptions Options { get; }

    /// <summary>The steps it waits for (for a map step, the list step is one of them).</summary>
    public IReadOnlyList<string> DependsOn => Options.DependsOn;

    /// <summary>For <see cref="StepKind.Map"/>: the step whose list result is fanned out; for <see cref="StepKind.Signal"/>: the signal name.</summary>
    public string? Source { get; }

    internal Func<StepContext, Task<object?>>? Handler { get; }

    /// <summary>The task type of its executions: <c>workflow.step:{workflow}:{step}</c>.</summary>
    internal string TaskType(string workflow) => WorkflowTaskTypes.Step(workflow, Name);
}
