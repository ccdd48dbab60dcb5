using Buquet.Actors.Scheduling;

namespace Buquet.Actors.Client;

/// <summary>Recurring schedules of this bucket.</summary>
public sealed partial class BuquetClient
{
    private ScheduleClient? _schedules;

    /// <summary>Create, list, show, update, enable, disable, delete and trigger recurring schedules.</summary>
    public ScheduleClient Schedules => LazyInitializer.EnsureInitialized(ref _schedules, () => new ScheduleClient(this, _store));

    /// <summary>The bucket (shared with the scheduler).</summary>
    internal Storage.IObjectStore Store => _store;

    /// <summary>Converts a schedule input the way <see cref="SubmitAsync"/> converts task inputs.</summary>
    internal System.Text.Json.JsonElement? ToInputElement(object? input) => ToElement(input);
}
