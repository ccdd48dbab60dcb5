using Buquet.Actors.Schemas;

namespace Buquet.Actors.Client;

/// <summary>Task schemas of this bucket.</summary>
public sealed partial class BuquetClient
{
    private SchemaClient? _schemas;

    /// <summary>Set, get, list, delete and validate against task schemas (<c>schemas/{task_type}.json</c>).</summary>
    public SchemaClient Schemas => LazyInitializer.EnsureInitialized(ref _schemas, () => new SchemaClient(_store, ToElement));

    /// <summary>Throws when <paramref name="input"/> does not match the type's input schema (submit with <see cref="SubmitOptions.ValidateInput"/>).</summary>
    private async Task ValidateBeforeSubmitAsync(string taskType, System.Text.Json.JsonElement? input, CancellationToken cancellationToken)
    {
        var result = await Schemas.ValidateInputAsync(taskType, input, cancellationToken);
        if (!result.IsValid)
        {
            throw new SchemaValidationException(result);
        }
    }
}
