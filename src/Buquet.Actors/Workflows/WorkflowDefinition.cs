using Buquet.Actors.Protocol;

namespace Buquet.Actors.Workflows;

/// <summary>
/// A named workflow: steps with dependencies (a DAG), retries, timeouts, on-failure policies and optional
/// compensation. Register it on a worker (<c>AddWorkflow</c>); start runs with <see cref="WorkflowClient"/>.
/// Adding a step validates the name; <see cref="Validate"/> (called at registration) checks the graph.
/// </summary>
public sealed class WorkflowDefinition
{
    private readonly List<WorkflowStepDefinition> _steps = [];
    private readonly Dictionary<string, WorkflowStepDefinition> _byName = new(StringComparer.Ordinal);

    /// <summary>Creates an empty definition.</summary>
    /// <param name="name">The workflow type (the state's <c>type</c>).</param>
    public WorkflowDefinition(string name)
    {
        KeyComponents.ValidateTaskType(WorkflowTaskTypes.Step(name, "x"), nameof(name));
        if (name.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid workflow name '{name}': ':' separates workflow and step in task types.", nameof(name));
        }

        Name = name;
    }

    /// <summary>The workflow type.</summary>
    public string Name { get; }

    /// <summary>The steps in the order they were added.</summary>
    public IReadOnlyList<WorkflowStepDefinition> Steps => _steps;

    /// <summary>buquet's <c>definition_hash</c> of the graph (Python formula; see <see cref="WorkflowDag.DefinitionHash"/>).</summary>
    public string DefinitionHash => WorkflowDag.DefinitionHash(_steps.ToDictionary(s => s.Name, s => s.DependsOn, StringComparer.Ordinal));

    /// <summary>Adds a step run as a task; its return value is the step's result.</summary>
    /// <typeparam name="TResult">The result type (serialized with the worker's JSON options).</typeparam>
    /// <param name="name">The step name.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="options">Dependencies, retries, timeout, on-failure policy, compensation.</param>
    /// <returns>This definition.</returns>
    public WorkflowDefinition Step<TResult>(string name, Func<StepContext, Task<TResult>> handler, StepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new WorkflowStepDefinition(name, StepKind.Task, options ?? new StepOptions(), async ctx => await handler(ctx).ConfigureAwait(false), null));
    }

    /// <summary>
    /// Adds a fan-out step: once <paramref name="over"/> completed with a JSON array, <paramref name="handler"/> runs
    /// once per element (<see cref="StepContext.Item"/>, <see cref="StepContext.Index"/>), as one task each; the step's
    /// result is the array of the element results in order (what a fan-in step depending on it reads).
    /// </summary>
    /// <typeparam name="TResult">The per-element result type.</typeparam>
    /// <param name="name">The step name.</param>
    /// <param name="over">The step whose result is the list (added to the dependencies).</param>
    /// <param name="handler">The per-element handler.</param>
    /// <param name="options">Further dependencies, retries, timeout (per element), on-failure policy, compensation.</param>
    /// <returns>This definition.</returns>
    public WorkflowDefinition Map<TResult>(string name, string over, Func<StepContext, Task<TResult>> handler, StepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrEmpty(over);
        var o = options ?? new StepOptions();
        o = o with { DependsOn = o.DependsOn.Contains(over, StringComparer.Ordinal) ? o.DependsOn : [.. o.DependsOn, over] };
        return Add(new WorkflowStepDefinition(name, StepKind.Map, o, async ctx => await handler(ctx).ConfigureAwait(false), over));
    }

    /// <summary>
    /// Adds a durable wait: once its dependencies completed, the step completes with the payload of the first signal
    /// <paramref name="signal"/> not yet consumed, or fails when none arrives within <see cref="StepOptions.Timeout"/>
    /// (its on-failure policy decides). No task runs and no worker slot is held while it waits.
    /// </summary>
    /// <param name="name">The step name.</param>
    /// <param name="signal">The signal name.</param>
    /// <param name="options">Dependencies, timeout (how long to wait), on-failure policy.</param>
    /// <returns>This definition.</returns>
    public WorkflowDefinition WaitForSignal(string name, string signal, StepOptions? options = null)
    {
        WorkflowKeys.ValidateSignalName(signal);
        return Add(new WorkflowStepDefinition(name, StepKind.Signal, options ?? new StepOptions(), null, signal));
    }

    /// <summary>The step called <paramref name="name"/>, or null.</summary>
    /// <param name="name">The step name.</param>
    /// <returns>The step.</returns>
    public WorkflowStepDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// Checks the graph: every dependency names a step, no step depends on itself, no cycle. Throws
    /// <see cref="WorkflowDefinitionException"/> naming the steps.
    /// </summary>
    public void Validate()
    {
        if (_steps.Count == 0)
        {
            throw new WorkflowDefinitionException($"Workflow '{Name}' has no steps.");
        }

        WorkflowDag.Validate(Name, _steps.ToDictionary(s => s.Name, s => s.DependsOn, StringComparer.Ordinal));
    }

    /// <summary>The steps in topological order (Kahn, lexicographic tie-break, as buquet's <c>validate_dag</c>).</summary>
    internal IReadOnlyList<string> TopologicalOrder() =>
        WorkflowDag.TopologicalOrder(_steps.ToDictionary(s => s.Name, s => s.DependsOn, StringComparer.Ordinal));

    private WorkflowDefinition Add(WorkflowStepDefinition step)
    {
        WorkflowKeys.ValidateStepName(step.Name);
        KeyComponents.ValidateTaskType(step.TaskType(Name), nameof(step));
        if (step.Options.Retries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step.Options.Retries, $"Step '{step.Name}': retries must not be negative.");
        }

        if (step.Options.Timeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step.Options.Timeout, $"Step '{step.Name}': timeout must be at least 1 second.");
        }

        if (!_byName.TryAdd(step.Name, step))
        {
            throw new WorkflowDefinitionException($"Workflow '{Name}': step '{step.Name}' is defined twice.");
        }

        _steps.Add(step);
        return this;
    }
}
