using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Workflows;

/// <summary>Registers workflows on a worker's handlers.</summary>
public static class WorkflowRegistration
{
    /// <summary>
    /// Registers <paramref name="definitions"/> (validated here): one <c>workflow.orchestrate</c> handler (the
    /// orchestrator actor, dispatching on the state's <c>type</c>), one <c>workflow.step:{wf}:{step}</c> handler per
    /// step and one <c>workflow.compensate:{wf}:{step}</c> per compensation handler.
    /// </summary>
    /// <param name="handlers">The worker's handlers.</param>
    /// <param name="client">Submits step and orchestrator tasks (the worker's bucket).</param>
    /// <param name="json">Serializer options of step results (default: web defaults).</param>
    /// <param name="definitions">The workflows.</param>
    /// <returns>The handlers.</returns>
    public static TaskHandlerRegistry AddWorkflows(this TaskHandlerRegistry handlers, BuquetClient client, JsonSerializerOptions? json, params IEnumerable<WorkflowDefinition> definitions)
    {
        Register(handlers, client, json, definitions);
        return handlers;
    }

    /// <summary>Registers the handlers and returns the engine they share (the sweeper uses it); null without workflows.</summary>
    internal static WorkflowEngine? Register(TaskHandlerRegistry handlers, BuquetClient client, JsonSerializerOptions? json, IEnumerable<WorkflowDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(definitions);
        var engine = new WorkflowEngine(client, definitions, json ?? new JsonSerializerOptions(JsonSerializerDefaults.Web));
        if (engine.Definitions.Count == 0)
        {
            return null;
        }

        handlers.AddActor<JsonElement>(WorkflowTaskTypes.Orchestrate, WorkflowOrchestrator.Props(new WorkflowOrchestration(engine)))
            .ClaimOnly(WorkflowTaskTypes.Orchestrate, engine.Accepts);
        foreach (var definition in engine.Definitions.Values)
        {
            foreach (var step in definition.Steps.Where(s => s.Kind != StepKind.Signal))
            {
                var runner = new WorkflowStepRunner(engine, definition, step);
                handlers.Add<JsonElement, JsonElement>(step.TaskType(definition.Name), runner.RunStepAsync);
                if (step.Options.Compensate is not null)
                {
                    handlers.Add<JsonElement, JsonElement>(WorkflowTaskTypes.Compensate(definition.Name, step.Name), runner.RunCompensationAsync);
                }
            }
        }

        return engine;
    }
}
