using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Schemas;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Executors;

/// <summary>
/// The input check of <c>buquet.worker.validate-input</c>, before the handler runs, and the output check of
/// <c>buquet.worker.validate-output</c>, before a successful result is stored.
/// </summary>
internal sealed partial class ExecutorActor
{
    /// <summary>
    /// The decision for an input that must not run: a mismatch fails the task for good (the input will not change on a
    /// retry); an unreadable schema or an unanswering store retries. Null when the handler may run (valid, or no schema).
    /// </summary>
    private Task<Decision?> CheckInputSchemaAsync(SchemaCache schemas, JsonElement? input) => CheckSchemaAsync(schemas, SchemaPart.Input, input);

    /// <summary>
    /// The decision for a value that must not pass (<paramref name="part"/>: the input before the handler, the output
    /// before completion): a mismatch fails the task for good (ADR 0018: the same input or handler gives the same value
    /// again); an unreadable schema or an unanswering store retries. Null when it passes (valid, or no schema).
    /// </summary>
    private async Task<Decision?> CheckSchemaAsync(SchemaCache schemas, SchemaPart part, JsonElement? value)
    {
        var what = part == SchemaPart.Input ? "input" : "output";
        CompiledTaskSchema? compiled;
        try
        {
            compiled = await schemas.GetAsync(Task.TaskType);
        }
        catch (MalformedObjectException e)
        {
            return new Decision(DecisionKind.Retry, $"Cannot validate the {what}: {e.Message}");
        }
        catch (Storage.ObjectStoreUnavailableException e)
        {
            return new Decision(DecisionKind.Retry, $"Cannot read the schema {TaskKeys.Schema(Task.TaskType)}: {e.Message}");
        }

        var result = compiled?.Validate(part, value);
        if (result is null || result.IsValid)
        {
            return null;
        }

        _logger.LogWarning("Task {TaskId} ({TaskType}) {Part} does not match its schema; failing it: {Violations}", Task.Id, Task.TaskType, what, result.Describe());
        return new Decision(DecisionKind.Fail, "Permanent error: " + new SchemaValidationException(result).Message);
    }
}
