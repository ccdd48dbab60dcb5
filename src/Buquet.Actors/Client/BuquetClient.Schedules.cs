namespace Buquet.Actors.Client;

/// <summary>What the scheduler (<c>Scheduling/</c>, a layer above the client) uses of the client.</summary>
public sealed partial class BuquetClient
{
    /// <summary>The bucket (shared with the scheduler).</summary>
    internal Storage.IObjectStore Store => _store;

    /// <summary>Converts a schedule input the way <see cref="SubmitAsync"/> converts task inputs.</summary>
    internal System.Text.Json.JsonElement? ToInputElement(object? input) => ToElement(input);
}
