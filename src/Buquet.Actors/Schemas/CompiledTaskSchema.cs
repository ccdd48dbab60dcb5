using System.Text.Json;
using Json.Schema;

namespace Buquet.Actors.Schemas;

/// <summary>
/// A <see cref="TaskSchema"/> built for evaluation with JsonSchema.Net (draft 2020-12 unless a part names another
/// draft in <c>$schema</c>). <c>format</c> is asserted, not only annotated. Each part gets its own schema registry, so
/// <c>$id</c>s of different task types never collide and nothing is fetched from the network: a <c>$ref</c> must
/// resolve inside the part (<c>#/$defs/...</c>; checked at build, see <see cref="SchemaRefs"/>). Immutable and thread-safe once built.
/// </summary>
internal sealed class CompiledTaskSchema
{
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true, FormatRegistry = SchemaFormats.Registry };

    private readonly JsonSchema? _input;
    private readonly JsonSchema? _output;

    private CompiledTaskSchema(string taskType, TaskSchema schema, JsonSchema? input, JsonSchema? output)
    {
        TaskType = taskType;
        Key = Protocol.TaskKeys.Schema(taskType);
        Schema = schema;
        _input = input;
        _output = output;
    }

    public string TaskType { get; }

    /// <summary>The schema's object key, named when evaluation finds the schema unusable.</summary>
    public string Key { get; }

    public TaskSchema Schema { get; }

    /// <summary>Builds both parts; a part that is not a usable JSON Schema throws <see cref="InvalidTaskSchemaException"/> naming it.</summary>
    /// <param name="taskType">The task type (for messages and results).</param>
    /// <param name="schema">The schema object.</param>
    /// <param name="source">Where the schema came from, for the message (a key, or "the given schema").</param>
    public static CompiledTaskSchema Build(string taskType, TaskSchema schema, string source)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new CompiledTaskSchema(taskType, schema, BuildPart(schema.Input, "input", source), BuildPart(schema.Output, "output", source));
    }

    /// <summary>Checks <paramref name="value"/> (a missing value is JSON <c>null</c>) against one part.</summary>
    public SchemaValidationResult Validate(SchemaPart part, JsonElement? value)
    {
        var schema = part == SchemaPart.Input ? _input : _output;
        if (schema is null)
        {
            return new SchemaValidationResult(TaskType, part, [], Checked: false);
        }

        EvaluationResults results;
        try
        {
            results = schema.Evaluate(SchemaViolations.Instance(value), Evaluation);
        }
        catch (Exception e) when (e is JsonSchemaException or RefResolutionException)
        {
            // A reference the set-time checks could not see through (nested $id): the stored schema is at fault, not the value.
            throw new Protocol.MalformedObjectException(Key, $"the '{part.ToString().ToLowerInvariant()}' schema cannot be evaluated: {e.Message}", e);
        }

        return new SchemaValidationResult(TaskType, part, SchemaViolations.From(results));
    }

    private static JsonSchema? BuildPart(JsonElement? part, string name, string source)
    {
        if (part is not { } element)
        {
            return null;
        }

        if (SchemaRefs.FindUnresolvable(element) is { } problem)
        {
            throw new InvalidTaskSchemaException($"The '{name}' part of {source} is not a valid JSON Schema (draft 2020-12): {problem}.");
        }

        try
        {
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 };
            return JsonSchema.Build(element, options);
        }
        catch (Exception e) when (e is JsonSchemaException or RefResolutionException or ArgumentException or InvalidOperationException or FormatException or JsonException or KeyNotFoundException)
        {
            throw new InvalidTaskSchemaException($"The '{name}' part of {source} is not a valid JSON Schema (draft 2020-12): {e.Message}", e);
        }
    }
}
