using System.Text.Json;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Workflows;

/// <summary>What a step handler knows: the workflow, its data, its dependencies' results, the element of a map step.</summary>
public sealed class StepContext
{
    private readonly WorkflowState _state;
    private readonly JsonSerializerOptions _json;
    private readonly List<string> _skip = [];

    internal StepContext(WorkflowState state, WorkflowStepDefinition step, TaskContext task, JsonSerializerOptions json, JsonElement? item, int? index)
    {
        _state = state;
        _json = json;
        Definition = step;
        Task = task;
        Item = item;
        Index = index;
    }

    /// <summary>The workflow id.</summary>
    public string WorkflowId => _state.Id;

    /// <summary>The workflow type.</summary>
    public string WorkflowType => _state.Type;

    /// <summary>The step's name.</summary>
    public string Step => Definition.Name;

    /// <summary>The step's definition.</summary>
    public WorkflowStepDefinition Definition { get; }

    /// <summary>The workflow's <c>data</c> (its input).</summary>
    public JsonElement? Data => _state.Data;

    /// <summary>For a map step: the element this execution handles; otherwise null.</summary>
    public JsonElement? Item { get; }

    /// <summary>For a map step: the element's index; otherwise null.</summary>
    public int? Index { get; }

    /// <summary>The task execution (attempt, deadline, cancellation, lease extension, logger).</summary>
    public TaskContext Task { get; }

    /// <summary>Fires on timeout, cancel, shutdown or a lost lease.</summary>
    public CancellationToken CancellationToken => Task.CancellationToken;

    /// <summary>The steps this one asked to skip (see <see cref="SkipSteps"/>).</summary>
    internal IReadOnlyList<string> SkippedSteps => _skip;

    /// <summary>The data as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The data (default when none).</returns>
    public T? DataAs<T>() => _state.Data is { } d ? d.Deserialize(BuquetJson.TypeInfo<T>(_json)) : default;

    /// <summary>The element as <typeparamref name="T"/> (map steps).</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The element.</returns>
    public T? ItemAs<T>() => Item is { } i ? i.Deserialize(BuquetJson.TypeInfo<T>(_json)) : default;

    /// <summary>A completed step's result (null when it returned null, was skipped, or has not completed).</summary>
    /// <param name="step">The step (usually a dependency).</param>
    /// <returns>The JSON result.</returns>
    public JsonElement? Result(string step) => _state.Steps.TryGetValue(step, out var s) && s.Status == StepStatus.Completed && !s.IsSkipped ? s.Result : null;

    /// <summary>A completed step's result as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="step">The step.</param>
    /// <returns>The result (default when none).</returns>
    public T? Result<T>(string step) => Result(step) is { } r ? r.Deserialize(BuquetJson.TypeInfo<T>(_json)) : default;

    /// <summary>True when <paramref name="step"/> was skipped (a branch not taken).</summary>
    /// <param name="step">The step.</param>
    /// <returns>Whether it was skipped.</returns>
    public bool WasSkipped(string step) => _state.Steps.TryGetValue(step, out var s) && s.IsSkipped;

    /// <summary>
    /// Conditional branch: the named steps (each must depend on this one) are recorded as skipped when this step
    /// completes; a step all of whose dependencies were skipped is skipped too.
    /// </summary>
    /// <param name="steps">Direct dependents of this step.</param>
    public void SkipSteps(params string[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var s in steps)
        {
            _skip.Add(s);
        }
    }
}
