using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Schemas;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Executors;

/// <summary>The input check of <c>buquet.worker.validate-input</c>, before the handler runs.</summary>
internal sealed partial class ExecutorActor
{
    /// <summary>
    /// The decision for an input that must not run: a mismatch fails the task for good (the input will not change on a
    /// retry); an unreadable schema or an unanswering store retries. Null when the handler may run (valid, or no schema).
    /// </summary>
    private async Task<Decision?> CheckInputSchemaAsync(SchemaCache schemas, JsonElement? input)
    {
        CompiledTaskSchema? compiled;
        try
        {
            compiled = await schemas.GetAsync(Task.TaskType);
        }
        catch (MalformedObjectException e)
        {
            return new Decision(DecisionKind.Retry, $"Cannot validate the input: {e.Message}");
        }
        catch (Storage.ObjectStoreUnavailableException e)
        {
            return new Decision(DecisionKind.Retry, $"Cannot read the schema {TaskKeys.Schema(Task.TaskType)}: {e.Message}");
        }

        var result = compiled?.Validate(SchemaPart.Input, input);
        if (result is null || result.IsValid)
        {
            return null;
        }

        _logger.LogWarning("Task {TaskId} ({TaskType}) input does not match its schema; failing it: {Violations}", Task.Id, Task.TaskType, result.Describe());
        return new Decision(DecisionKind.Fail, "Permanent error: " + new SchemaValidationException(result).Message);
    }
}
