using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Schemas;

/// <summary>
/// Task schemas of this bucket (<c>buquet schema set|get|list|delete|validate</c>), stored as buquet's
/// <c>schemas/{task_type}.json</c> (protocol §2.10) so Rust and Python peers read and write the same objects. Storage
/// is plain PUT/DELETE, last writer wins, as in buquet. Validation is opt-in: on submit with
/// <see cref="SubmitOptions.ValidateInput"/>, in workers with <c>buquet.worker.validate-input</c>, or by calling
/// <see cref="ValidateInputAsync"/>. Obtain one from <see cref="BuquetClient.Schemas"/>. Thread-safe.
/// </summary>
public sealed class SchemaClient
{
    /// <summary>The prefix every schema object lives under.</summary>
    internal const string Root = "schemas/";

    // Immutable after construction.
    private readonly IObjectStore _store;
    private readonly Func<object?, JsonElement?> _toElement;

    internal SchemaClient(IObjectStore store, Func<object?, JsonElement?> toElement)
    {
        _store = store;
        _toElement = toElement;
    }

    /// <summary>Stores (or replaces) the schema of <paramref name="taskType"/> after checking that each part is a usable JSON Schema.</summary>
    /// <exception cref="InvalidTaskSchemaException">A part is not a valid JSON Schema (the message names the part and the problem); nothing was written.</exception>
    /// <exception cref="ArgumentException">The task type cannot be an object key segment.</exception>
    public async Task SetAsync(string taskType, TaskSchema schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var key = TaskKeys.Schema(taskType);
        _ = CompiledTaskSchema.Build(taskType, schema, $"the schema given for '{taskType}'");
        await _store.PutAsync(key, schema.ToUtf8(), PutCondition.None, cancellationToken);
    }

    /// <summary>The stored schema of <paramref name="taskType"/>, or <c>null</c> when there is none.</summary>
    /// <exception cref="MalformedObjectException">The stored object is not a TaskSchema object (names the key).</exception>
    public async Task<TaskSchema?> GetAsync(string taskType, CancellationToken cancellationToken = default)
    {
        var key = TaskKeys.Schema(taskType);
        var stored = await _store.GetAsync(key, cancellationToken);
        return stored is null ? null : TaskSchema.Parse(stored.Body, key);
    }

    /// <summary>Deletes the schema of <paramref name="taskType"/>; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string taskType, CancellationToken cancellationToken = default) =>
        await _store.DeleteAsync(TaskKeys.Schema(taskType), null, cancellationToken) == DeleteStatus.Deleted;

    /// <summary>The task types that have a schema, in key order (one LIST per 1,000 types).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var types = new List<string>();
        string? token = null;
        do
        {
            var page = await _store.ListAsync(new ListRequest(Root, ContinuationToken: token), cancellationToken);
            foreach (var o in page.Objects)
            {
                var rest = o.Key[Root.Length..];
                if (rest.EndsWith(".json", StringComparison.Ordinal) && !rest.Contains('/', StringComparison.Ordinal) && rest.Length > ".json".Length)
                {
                    types.Add(rest[..^".json".Length]);
                }
            }

            token = page.NextContinuationToken;
        }
        while (token is not null);

        return types;
    }

    /// <summary>Checks <paramref name="input"/> against the input schema of <paramref name="taskType"/> (one GET).</summary>
    /// <returns>The result; valid with <see cref="SchemaValidationResult.Checked"/> false when the schema has no input part.</returns>
    /// <exception cref="SchemaNotFoundException">The task type has no schema.</exception>
    /// <exception cref="MalformedObjectException">The stored schema is unreadable or not a valid JSON Schema (names the key).</exception>
    public Task<SchemaValidationResult> ValidateInputAsync(string taskType, object? input, CancellationToken cancellationToken = default) =>
        ValidateAsync(taskType, SchemaPart.Input, input, cancellationToken);

    /// <summary>Checks <paramref name="output"/> against the output schema of <paramref name="taskType"/> (one GET).</summary>
    /// <exception cref="SchemaNotFoundException">The task type has no schema.</exception>
    /// <exception cref="MalformedObjectException">The stored schema is unreadable or not a valid JSON Schema (names the key).</exception>
    public Task<SchemaValidationResult> ValidateOutputAsync(string taskType, object? output, CancellationToken cancellationToken = default) =>
        ValidateAsync(taskType, SchemaPart.Output, output, cancellationToken);

    private async Task<SchemaValidationResult> ValidateAsync(string taskType, SchemaPart part, object? value, CancellationToken cancellationToken)
    {
        var element = _toElement(value);
        var compiled = await LoadAsync(taskType, cancellationToken) ?? throw SchemaNotFoundException.For(taskType);
        return compiled.Schema.Validate(part, element);
    }

    /// <summary>Reads and builds the stored schema; <c>null</c> when there is none.</summary>
    internal async Task<(CompiledTaskSchema Schema, string ETag)?> LoadAsync(string taskType, CancellationToken cancellationToken)
    {
        var key = TaskKeys.Schema(taskType);
        var stored = await _store.GetAsync(key, cancellationToken);
        return stored is null ? null : (Compile(taskType, stored), stored.ETag);
    }

    /// <summary>Builds a stored schema object; a part that is not a valid JSON Schema is a malformed object naming the key.</summary>
    internal static CompiledTaskSchema Compile(string taskType, StoredObject stored)
    {
        var schema = TaskSchema.Parse(stored.Body, stored.Key);
        try
        {
            return CompiledTaskSchema.Build(taskType, schema, "this object");
        }
        catch (InvalidTaskSchemaException e)
        {
            throw new MalformedObjectException(stored.Key, e.Message, e);
        }
    }
}
