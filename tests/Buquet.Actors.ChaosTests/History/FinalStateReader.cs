using Buquet.Actors.Client;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.ChaosTests.History;

/// <summary>Reads the final state of planned tasks from the bucket through <see cref="BuquetClient"/> (one GET each).</summary>
public static class FinalStateReader
{
    /// <summary>GETs every task, <paramref name="parallelism"/> at a time.</summary>
    public static async Task<IReadOnlyDictionary<Guid, ObservedTask>> ReadAsync(BuquetClient client, IEnumerable<Guid> ids, int parallelism = 16, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(ids);
        var result = new System.Collections.Concurrent.ConcurrentDictionary<Guid, ObservedTask>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            try
            {
                var task = await client.GetAsync(id, ct);
                result[id] = task is null ? ObservedTask.Lost(id) : ObservedTask.From(task);
            }
            catch (MalformedObjectException e)
            {
                result[id] = new ObservedTask(id, null, default, 0, null, Malformed: e.Problem);
            }
        });
        return result;
    }
}
