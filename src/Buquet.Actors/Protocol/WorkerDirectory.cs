using System.Runtime.CompilerServices;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Protocol;

/// <summary>
/// The registry as read by everyone: who is alive (protocol §2.4, §3.10). The one place that lists <c>workers/</c>:
/// the worker's registry and shard leases, the idle poller's fleet census, <c>buquet workers</c>, <c>buquet monitor</c>,
/// <c>submit --wait</c> and the dashboard all read it through here.
/// </summary>
internal static class WorkerDirectory
{
    /// <summary>One worker entry as listed (no GET): its id and the listing (Last-Modified = its last heartbeat write).</summary>
    public readonly record struct Entry(string WorkerId, ObjectInfo Object);

    /// <summary>
    /// The entries under <c>workers/</c> (keys <see cref="TaskKeys.TryParseWorkerKey"/> accepts), page by page, at
    /// most <paramref name="limit"/> of them.
    /// </summary>
    public static async IAsyncEnumerable<Entry> ListEntriesAsync(IObjectStore store, int limit = int.MaxValue, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var count = 0;
        string? token = null;
        do
        {
            var page = await store.ListAsync(new ListRequest(TaskKeys.WorkersRoot, MaxKeys: Math.Min(1000, limit - count), ContinuationToken: token), cancellationToken);
            foreach (var obj in page.Objects)
            {
                if (TaskKeys.TryParseWorkerKey(obj.Key, out var id))
                {
                    yield return new Entry(id, obj);
                    if (++count == limit)
                    {
                        yield break;
                    }
                }
            }

            token = page.NextContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>
    /// Every readable entry under <c>workers/</c>. Objects that are not <c>workers/{id}.json</c> (nested keys, other
    /// extensions, a peer's future files) and entries that do not parse are skipped and logged (and told to
    /// <paramref name="unreadable"/>), never thrown. At most <paramref name="limit"/> entries are read.
    /// </summary>
    public static async Task<IReadOnlyList<WorkerInfo>> ListWorkersAsync(IObjectStore store, ILogger? logger = null, int limit = int.MaxValue, Action<MalformedObjectException>? unreadable = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        logger ??= NullLogger.Instance;
        var result = new List<WorkerInfo>();
        await foreach (var entry in ListEntriesAsync(store, limit, cancellationToken))
        {
            var stored = await store.GetAsync(entry.Object.Key, cancellationToken);
            if (stored is null)
            {
                continue; // deregistered between the LIST and the GET
            }

            try
            {
                result.Add(ModelJson.ParseWorker(stored.Body, stored.Key));
            }
            catch (MalformedObjectException ex)
            {
                logger.LogWarning("Skipping unreadable worker entry {Key}: {Problem}", entry.Object.Key, ex.Problem);
                unreadable?.Invoke(ex);
            }
        }

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

        var all = await ListWorkersAsync(store, logger, cancellationToken: cancellationToken);
        return [.. all.Where(w => w.IsHealthyAt(now, limit))];
    }
}
