using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Workflows;

/// <summary>
/// Starts and steers workflows in the bucket of a <see cref="BuquetClient"/> (buquet's <c>WorkflowClient</c>):
/// start, get, list, cancel, pause, resume, signal. Thread-safe.
/// </summary>
public sealed class WorkflowClient
{
    private readonly BuquetClient _client;
    private readonly WorkflowStore _store;
    private readonly JsonSerializerOptions _json;
    private readonly TimeProvider _time;

    /// <summary>Creates a client over <paramref name="client"/>'s bucket.</summary>
    /// <param name="client">The task client (its store, clock and submit).</param>
    /// <param name="json">Serializer options for inputs and payloads (default: web defaults).</param>
    /// <param name="timeProvider">The clock <see cref="WaitAsync"/> waits on (default: the system's).</param>
    public WorkflowClient(BuquetClient client, JsonSerializerOptions? json = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _time = timeProvider ?? TimeProvider.System;
        _json = json ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        _store = new WorkflowStore(client.Repository.Store, client.Clock);
    }

    /// <summary>Starts <paramref name="definition"/> with <paramref name="data"/> (see <see cref="StartAsync(string, string, object?, string?, CancellationToken)"/>).</summary>
    /// <param name="definition">The workflow (validated here).</param>
    /// <param name="data">The input (the state's <c>data</c>).</param>
    /// <param name="workflowId">The id (default <c>wf-{uuid}</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state (the existing one when the id was taken).</returns>
    public Task<WorkflowState> StartAsync(WorkflowDefinition definition, object? data, string? workflowId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        return StartAsync(definition.Name, definition.DefinitionHash, data, workflowId, cancellationToken);
    }

    /// <summary>
    /// Starts a workflow of <paramref name="type"/>: creates <c>workflow/{id}/state.json</c> (status running,
    /// create-only: an existing id returns the existing state and starts nothing), submits <c>workflow.orchestrate</c>
    /// with key <c>{id}:orchestrate:start</c> and records its id as <c>orchestrator_task_id</c>.
    /// </summary>
    /// <param name="type">The workflow type.</param>
    /// <param name="definitionHash">Its definition hash (workers with another hash pause it with VersionMismatch).</param>
    /// <param name="data">The input.</param>
    /// <param name="workflowId">The id (default <c>wf-{uuid}</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state.</returns>
    public async Task<WorkflowState> StartAsync(string type, string definitionHash, object? data, string? workflowId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(definitionHash);
        var id = WorkflowKeys.ValidateWorkflowId(workflowId ?? $"wf-{Guid.NewGuid():D}");
        var (_, now) = await _store.NowAsync(cancellationToken).ConfigureAwait(false);
        var state = new WorkflowState
        {
            Id = id,
            Type = type,
            DefinitionHash = definitionHash,
            Status = WorkflowStatus.Running,
            Data = ToElement(data),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await _store.CreateAsync(state, cancellationToken).ConfigureAwait(false))
        {
            return (await GetAsync(id, cancellationToken).ConfigureAwait(false))!;
        }

        var task = await WorkflowEngine.SubmitOrchestrateAsync(_client, id, type, $"{id}:orchestrate:start", null, cancellationToken).ConfigureAwait(false);
        return await _store.UpdateAsync(id, (s, _) => s.OrchestratorTaskId is null ? s with { OrchestratorTaskId = task.Id.ToString("D") } : null, cancellationToken).ConfigureAwait(false) ?? state;
    }

    /// <summary>The workflow's state, or null.</summary>
    /// <param name="workflowId">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state.</returns>
    public async Task<WorkflowState?> GetAsync(string workflowId, CancellationToken cancellationToken = default) =>
        (await _store.GetAsync(WorkflowKeys.ValidateWorkflowId(workflowId), cancellationToken).ConfigureAwait(false))?.State;

    /// <summary>Waits until the workflow is completed, failed or cancelled (polling its state).</summary>
    /// <param name="workflowId">The id.</param>
    /// <param name="timeout">How long to wait; <see cref="TimeoutException"/> after it.</param>
    /// <param name="pollInterval">Time between reads (default 1 s).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The final state.</returns>
    public async Task<WorkflowState> WaitAsync(string workflowId, TimeSpan timeout, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        var deadline = _time.GetTimestamp();
        while (true)
        {
            var state = await GetAsync(workflowId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Workflow {workflowId} does not exist.");
            if (state.IsTerminal)
            {
                return state;
            }

            if (_time.GetElapsedTime(deadline) >= timeout)
            {
                throw new TimeoutException($"Workflow {workflowId} is still {WorkflowJson.ToWire(state.Status)} after {timeout}.");
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The ids of the workflows in the bucket (in key order).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids.</returns>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await _store.Objects.ListAsync(new Storage.ListRequest(WorkflowKeys.Prefix, ContinuationToken: token), cancellationToken).ConfigureAwait(false);
            foreach (var o in page.Objects)
            {
                if (o.Key.EndsWith("/state.json", StringComparison.Ordinal) && o.Key.IndexOf('/', WorkflowKeys.Prefix.Length) == o.Key.Length - "/state.json".Length)
                {
                    ids.Add(o.Key[WorkflowKeys.Prefix.Length..^"/state.json".Length]);
                }
            }

            token = page.NextContinuationToken;
        }
        while (token is not null);
        return ids;
    }

    /// <summary>Cancels a workflow that has not ended (error <c>Cancelled</c>) and cancels its running step tasks.</summary>
    /// <param name="workflowId">The id.</param>
    /// <param name="reason">Why (default "User requested cancellation").</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state after the call, null when missing.</returns>
    public async Task<WorkflowState?> CancelAsync(string workflowId, string? reason = null, CancellationToken cancellationToken = default)
    {
        var state = await _store.UpdateAsync(WorkflowKeys.ValidateWorkflowId(workflowId), (s, now) => s.IsTerminal ? null : s with
        {
            Status = WorkflowStatus.Cancelled,
            CurrentSteps = [],
            Error = new WorkflowErrorInfo("Cancelled", reason ?? "User requested cancellation", At: now),
        }, cancellationToken).ConfigureAwait(false);
        if (state is { Status: WorkflowStatus.Cancelled })
        {
            foreach (var step in state.Steps.Values.Where(s => s.Status == StepStatus.Running))
            {
                if (Guid.TryParse(step.TaskId, out var taskId))
                {
                    await _client.CancelAsync(taskId, reason ?? "Workflow cancelled", "workflow", cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return state;
    }

    /// <summary>Pauses a running or waiting workflow (error <c>Paused</c>); orchestration does nothing until resumed.</summary>
    /// <param name="workflowId">The id.</param>
    /// <param name="reason">Why (default "Manually paused").</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state after the call.</returns>
    public Task<WorkflowState?> PauseAsync(string workflowId, string? reason = null, CancellationToken cancellationToken = default) =>
        _store.UpdateAsync(WorkflowKeys.ValidateWorkflowId(workflowId), (s, now) => s.Status is WorkflowStatus.Running or WorkflowStatus.WaitingSignal
            ? s with { Status = WorkflowStatus.Paused, Error = new WorkflowErrorInfo("Paused", reason ?? "Manually paused", At: now) }
            : null, cancellationToken);

    /// <summary>
    /// Resumes a paused workflow: status running, error cleared, steps that failed under pause_workflow are run again,
    /// and an orchestrator task is submitted with key <c>{id}:orchestrate:resume:{now}</c>.
    /// </summary>
    /// <param name="workflowId">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state after the call.</returns>
    public async Task<WorkflowState?> ResumeAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        var state = await _store.UpdateAsync(WorkflowKeys.ValidateWorkflowId(workflowId), (s, _) =>
        {
            if (s.Status != WorkflowStatus.Paused)
            {
                return null;
            }

            var failedPaused = s.Error is { Type: WorkflowPlanner.StepFailed, Step: { } failed } && s.Step(failed).Status == StepStatus.Failed ? failed : null;
            var next = s with { Status = WorkflowStatus.Running, Error = null };
            return failedPaused is null ? next : next.WithStep(failedPaused, s.Step(failedPaused) with { Status = StepStatus.Pending, Error = null });
        }, cancellationToken).ConfigureAwait(false);
        if (state is { Status: WorkflowStatus.Running })
        {
            await WorkflowEngine.SubmitOrchestrateAsync(_client, state.Id, state.Type, $"{state.Id}:orchestrate:resume:{state.UpdatedAt}", null, cancellationToken).ConfigureAwait(false);
        }

        return state;
    }

    /// <summary>
    /// Sends signal <paramref name="name"/>: PUT <c>workflow/{id}/signals/{name}/{ts}_{uuid}.json</c>, then submits an
    /// orchestrator task so a waiting step wakes at once.
    /// </summary>
    /// <param name="workflowId">The id.</param>
    /// <param name="name">The signal name.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The signal's key.</returns>
    public async Task<string> SignalAsync(string workflowId, string name, object? payload, CancellationToken cancellationToken = default)
    {
        WorkflowKeys.ValidateWorkflowId(workflowId);
        WorkflowKeys.ValidateSignalName(name);
        var key = await _store.SendSignalAsync(workflowId, name, ToElement(payload), cancellationToken).ConfigureAwait(false);
        await WorkflowEngine.SubmitOrchestrateAsync(_client, workflowId, null, $"{workflowId}:orchestrate:signal:{key[(key.LastIndexOf('/') + 1)..]}", null, cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>A step's stored result (<c>steps/{name}.json</c>), or null.</summary>
    /// <param name="workflowId">The id.</param>
    /// <param name="step">The step.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    public async Task<JsonElement?> GetStepResultAsync(string workflowId, string step, CancellationToken cancellationToken = default)
    {
        var o = await _store.Objects.GetAsync(WorkflowKeys.StepResult(workflowId, step), cancellationToken).ConfigureAwait(false);
        return o is null ? null : WorkflowEngine.Parse(System.Text.Encoding.UTF8.GetString(o.Body.Span));
    }

    private JsonElement? ToElement(object? value) => value switch
    {
        null => null,
        JsonElement e => e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : e.Clone(),
        _ => JsonSerializer.SerializeToElement(value, BuquetJson.TypeInfo(_json, value.GetType())),
    };
}
