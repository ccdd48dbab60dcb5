using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Workflows;

/// <summary>
/// What the orchestrator, the step handlers and the sweeper share: the registered definitions (by workflow type),
/// the store, the client that submits tasks, and the JSON options of handler results (INTERNAL API).
/// </summary>
internal sealed class WorkflowEngine
{
    public WorkflowEngine(BuquetClient client, IEnumerable<WorkflowDefinition> definitions, JsonSerializerOptions json)
    {
        Client = client;
        Json = json;
        Store = new WorkflowStore(client.Repository.Store, client.Clock);
        var map = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        foreach (var d in definitions)
        {
            d.Validate();
            if (!map.TryAdd(d.Name, d))
            {
                throw new WorkflowDefinitionException($"Workflow '{d.Name}' is registered twice.");
            }
        }

        Definitions = map;
    }

    public BuquetClient Client { get; }

    public WorkflowStore Store { get; }

    public JsonSerializerOptions Json { get; }

    public IReadOnlyDictionary<string, WorkflowDefinition> Definitions { get; }

    /// <summary>
    /// Submits an orchestrator task (<c>{"workflow_id": id, "type": workflow type}</c>, plus <c>"step"</c> when a step
    /// handler recorded that step's outcome: that pass reads no other step's task) under <paramref name="idempotencyKey"/>.
    /// </summary>
    public Task<Protocol.TaskRecord> SubmitOrchestrateAsync(string workflowId, string type, string idempotencyKey, DateTimeOffset? runAt, CancellationToken cancellationToken, string? reportedStep = null) =>
        SubmitOrchestrateAsync(Client, workflowId, type, idempotencyKey, runAt, cancellationToken, reportedStep);

    /// <summary>
    /// Submits an orchestrator task through <paramref name="client"/>: key <paramref name="idempotencyKey"/>, timeout
    /// <see cref="WorkflowTaskTypes.OrchestrateTimeout"/>; <paramref name="type"/> is null when the caller has not read
    /// the state (a signal), and then any worker with workflows claims it.
    /// </summary>
    public static Task<Protocol.TaskRecord> SubmitOrchestrateAsync(BuquetClient client, string workflowId, string? type, string idempotencyKey, DateTimeOffset? runAt, CancellationToken cancellationToken, string? reportedStep = null) =>
        client.SubmitAsync(WorkflowTaskTypes.Orchestrate, OrchestrateInput(workflowId, type, reportedStep), new SubmitOptions
        {
            IdempotencyKey = idempotencyKey,
            RunAt = runAt,
            Timeout = WorkflowTaskTypes.OrchestrateTimeout,
        }, cancellationToken);

    /// <summary>Submits a step (or map element) task: input <c>{"workflow_id","step","data"}</c> (+ <c>item</c>, <c>index</c>), key <c>{wf}:{step}</c>.</summary>
    public async Task<Guid> SubmitStepAsync(WorkflowState state, WorkflowStepDefinition step, string stateKey, long attempt, JsonElement? item, int? index, CancellationToken cancellationToken)
    {
        var input = new JsonOut().BeginObject().Name("workflow_id").String(state.Id).Name("step").String(step.Name).Name("data").Element(state.Data);
        if (index is { } i)
        {
            input.Name("item").Element(item).Name("index").Int(i);
        }

        var key = attempt <= 1 ? $"{state.Id}:{stateKey}" : $"{state.Id}:{stateKey}:{attempt}";
        var task = await Client.SubmitAsync(step.TaskType(state.Type), Parse(input.EndObject().ToString()), new SubmitOptions
        {
            IdempotencyKey = key,
            Timeout = step.Options.Timeout,
            MaxRetries = step.Options.Retries,
        }, cancellationToken).ConfigureAwait(false);
        return task.Id;
    }

    /// <summary>Submits a compensation task <c>workflow.compensate:{wf}:{step}</c>, key <c>{wf}:{step}:compensate</c>.</summary>
    public async Task<Guid> SubmitCompensationAsync(WorkflowState state, WorkflowStepDefinition step, CancellationToken cancellationToken)
    {
        var input = new JsonOut().BeginObject().Name("workflow_id").String(state.Id).Name("step").String(step.Name).Name("data").Element(state.Data).EndObject();
        var task = await Client.SubmitAsync(WorkflowTaskTypes.Compensate(state.Type, step.Name), Parse(input.ToString()), new SubmitOptions
        {
            IdempotencyKey = $"{state.Id}:{step.Name}:compensate",
            Timeout = step.Options.Timeout,
            MaxRetries = step.Options.Retries,
        }, cancellationToken).ConfigureAwait(false);
        return task.Id;
    }

    /// <summary>
    /// The input of an orchestrator task: <c>workflow_id</c> (buquet's one field), the workflow <c>type</c> when known
    /// (a worker claims only types it has registered, <see cref="Accepts"/>) and the reported step, if any.
    /// </summary>
    public static JsonElement OrchestrateInput(string workflowId, string? type, string? reportedStep = null)
    {
        var input = new JsonOut().BeginObject().Name("workflow_id").String(workflowId);
        if (type is not null)
        {
            input.Name(TypeField).String(type);
        }

        if (reportedStep is not null)
        {
            input.Name(ReportedStepField).String(reportedStep);
        }

        return Parse(input.EndObject().ToString());
    }

    /// <summary>The orchestrate input field naming the workflow type (a .NET addition; buquet ignores it).</summary>
    public const string TypeField = "type";

    /// <summary>
    /// Whether this worker claims an orchestrator task: yes when its input names a workflow type registered here, or
    /// names none (buquet Python writes only <c>workflow_id</c>; the pass reads the state and reschedules the task if
    /// the type is unknown here). Declined tasks stay pending for another worker, no retry used.
    /// </summary>
    public bool Accepts(Protocol.TaskRecord task) =>
        task.Input is not { ValueKind: JsonValueKind.Object } input
        || !input.TryGetProperty(TypeField, out var type)
        || type.ValueKind != JsonValueKind.String
        || Definitions.ContainsKey(type.GetString()!);

    /// <summary>The orchestrate input field naming the step whose outcome its handler recorded (a .NET addition; buquet ignores it).</summary>
    public const string ReportedStepField = "step";

    public static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}
