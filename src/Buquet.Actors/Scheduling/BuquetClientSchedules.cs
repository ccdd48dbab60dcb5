using Buquet.Actors.Client;

namespace Buquet.Actors.Scheduling;

/// <summary>
/// Adds <c>Schedules</c> to <see cref="BuquetClient"/>. An extension, not a member, because the client sits below the
/// scheduler (docs/architecture.md, "Layers"): the client knows nothing of schedules.
/// </summary>
public static class BuquetClientSchedules
{
    extension(BuquetClient client)
    {
        /// <summary>Create, list, show, update, enable, disable, delete and trigger recurring schedules.</summary>
        public ScheduleClient Schedules
        {
            get
            {
                ArgumentNullException.ThrowIfNull(client);
                return new ScheduleClient(client, client.Store);
            }
        }
    }
}
