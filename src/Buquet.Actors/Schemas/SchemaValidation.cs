using System.Text.Json;

namespace Buquet.Actors.Schemas;

/// <summary>Which part of a <see cref="TaskSchema"/> a value is checked against.</summary>
public enum SchemaPart
{
    /// <summary>The task input.</summary>
    Input,

    /// <summary>The handler output.</summary>
    Output,
}

/// <summary>One failed assertion: where in the value, which keyword, and why.</summary>
/// <param name="Path">JSON Pointer into the value (<c>""</c> is the whole value, <c>/items/0/sku</c> a nested field).</param>
/// <param name="Keyword">The schema keyword that failed (<c>type</c>, <c>required</c>, <c>enum</c>, <c>format</c>, ...).</param>
/// <param name="Message">The library's explanation.</param>
public sealed record SchemaViolation(string Path, string Keyword, string Message)
{
    /// <summary>The path as shown to users: <c>/</c> for the whole value.</summary>
    public string DisplayPath => Path.Length == 0 ? "/" : Path;

    /// <summary><c>path: keyword: message</c>.</summary>
    public override string ToString() => $"{DisplayPath}: {Keyword}: {Message}";
}

/// <summary>The outcome of checking a value against a task type's schema.</summary>
/// <param name="TaskType">The task type.</param>
/// <param name="Part">Input or output.</param>
/// <param name="Violations">Every failed assertion, in document order; empty when valid.</param>
/// <param name="Checked">False when the stored schema has no part for <paramref name="Part"/> (nothing was checked; valid).</param>
public sealed record SchemaValidationResult(string TaskType, SchemaPart Part, IReadOnlyList<SchemaViolation> Violations, bool Checked = true)
{
    /// <summary>True when the value satisfies the schema (or the schema leaves that part open).</summary>
    public bool IsValid => Violations.Count == 0;

    /// <summary>One line per violation, for errors and logs.</summary>
    public string Describe() => string.Join("; ", Violations);
}

/// <summary>
/// A submit with <c>ValidateInput</c> whose input does not satisfy the task type's input schema. Nothing was written.
/// </summary>
public sealed class SchemaValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SchemaValidationException() { }

    /// <summary>Creates the exception.</summary>
    public SchemaValidationException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public SchemaValidationException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a failed <paramref name="result"/>.</summary>
    public SchemaValidationException(SchemaValidationResult result)
        : base($"The {(result ?? throw new ArgumentNullException(nameof(result))).Part.ToString().ToLowerInvariant()} of task type '{result.TaskType}' does not match its schema ({Protocol.TaskKeys.Schema(result.TaskType)}): {result.Describe()}")
    {
        Result = result;
    }

    /// <summary>The failed check (every path, keyword and message).</summary>
    public SchemaValidationResult? Result { get; }
}

/// <summary>Validation was asked for a task type that has no stored schema.</summary>
public sealed class SchemaNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SchemaNotFoundException() { }

    /// <summary>Creates the exception.</summary>
    public SchemaNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public SchemaNotFoundException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for <paramref name="taskType"/>.</summary>
    public static SchemaNotFoundException For(string taskType) =>
        new($"No schema is stored for task type '{taskType}' ({Protocol.TaskKeys.Schema(taskType)}), so its input cannot be validated.") { TaskType = taskType };

    /// <summary>The task type.</summary>
    public string? TaskType { get; private init; }
}

/// <summary>A schema given to <see cref="SchemaClient.SetAsync(string, TaskSchema, CancellationToken)"/> that is not a usable JSON Schema; nothing was written.</summary>
public sealed class InvalidTaskSchemaException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InvalidTaskSchemaException() { }

    /// <summary>Creates the exception.</summary>
    public InvalidTaskSchemaException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public InvalidTaskSchemaException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>Turns the library's evaluation output into <see cref="SchemaViolation"/>s.</summary>
internal static class SchemaViolations
{
    public static IReadOnlyList<SchemaViolation> From(Json.Schema.EvaluationResults results)
    {
        if (results.IsValid)
        {
            return [];
        }

        var list = new List<SchemaViolation>();
        foreach (var node in (results.Details ?? []).Prepend(results))
        {
            if (node.Errors is { } errors)
            {
                foreach (var (keyword, message) in errors)
                {
                    list.Add(new SchemaViolation(node.InstanceLocation.ToString(), keyword, message));
                }
            }
        }

        // Invalid without a keyword error (e.g. a false schema): report the whole value.
        return list.Count > 0 ? list : [new SchemaViolation("", "false", "No value is allowed by this schema")];
    }

    /// <summary>The JSON value checked for a task input or output: a missing value is JSON <c>null</c>.</summary>
    public static JsonElement Instance(JsonElement? value) => value ?? NullElement;

    private static readonly JsonElement NullElement = JsonDocument.Parse("null").RootElement.Clone();
}
