using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Worker.Registry;

/// <summary>The registry as read by everyone: who is alive (protocol §2.4, §3.10).</summary>
internal static class WorkerDirectory
{
    /// <summary>
    /// Every readable entry under <c>workers/</c>. Objects that are not <c>workers/{id}.json</c> (nested keys, other
    /// extensions, a peer's future files) and entries that do not parse are skipped and logged, never thrown.
    /// </summary>
    public static async Task<IReadOnlyList<WorkerInfo>> ListWorkersAsync(IObjectStore store, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        logger ??= NullLogger.Instance;
        var result = new List<WorkerInfo>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(new ListRequest(TaskKeys.WorkersRoot, ContinuationToken: token), cancellationToken);
            foreach (var obj in page.Objects)
            {
                var name = obj.Key[TaskKeys.WorkersRoot.Length..];
                if (name.Contains('/', StringComparison.Ordinal) || !name.EndsWith(".json", StringComparison.Ordinal))
                {
                    continue;
                }

                var stored = await store.GetAsync(obj.Key, cancellationToken);
                if (stored is null)
                {
                    continue; // deregistered between the LIST and the GET
                }

                try
                {
                    result.Add(ModelJsonWorker(stored));
                }
                catch (MalformedObjectException ex)
                {
                    logger.LogWarning("Skipping unreadable worker entry {Key}: {Problem}", obj.Key, ex.Problem);
                }
            }

            token = page.NextContinuationToken;
        }
        while (token is not null);

        return result;
    }

    /// <summary>Entries whose heartbeat is fresh: <c>now − last_heartbeat &lt; threshold</c> (peers use 60 s).</summary>
    public static async Task<IReadOnlyList<WorkerInfo>> ListLiveWorkersAsync(IObjectStore store, DateTimeOffset now, TimeSpan? threshold = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var limit = threshold ?? WorkerInfo.DefaultHealthThreshold;
        if (limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "Worker health threshold must be positive.");
        }

        var all = await ListWorkersAsync(store, logger, cancellationToken);
        return [.. all.Where(w => w.IsHealthyAt(now, limit))];
    }

    private static WorkerInfo ModelJsonWorker(StoredObject stored) => Protocol.Json.ModelJson.ParseWorker(stored.Body, stored.Key);
}
