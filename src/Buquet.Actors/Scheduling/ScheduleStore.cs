using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Scheduling;

/// <summary>A schedule definition with the ETag it was read at.</summary>
internal sealed record ScheduleSnapshot(Schedule Schedule, string ETag);

/// <summary>A stored last run with its ETag; <see cref="Run"/> is <c>null</c> when the object is unreadable.</summary>
internal sealed record LastRunSnapshot(ScheduleLastRun? Run, string ETag);

/// <summary>
/// Reads and writes the schedule objects of protocol §2.8/§2.9 and this library's <c>schedule-options/{id}.json</c>
/// extensions. Expected outcomes (missing, lost race) are values; unreadable objects throw
/// <see cref="MalformedObjectException"/>.
/// </summary>
internal sealed class ScheduleStore(IObjectStore store)
{
    public IObjectStore Store => store;

    /// <summary>Ids of every schedule definition, in key order (LIST <c>schedules/</c>, the peers' filter).</summary>
    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken ct)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(new ListRequest(TaskKeys.SchedulesRoot, ContinuationToken: token), ct);
            foreach (var o in page.Objects)
            {
                if (TaskKeys.IsScheduleKey(o.Key))
                {
                    ids.Add(o.Key[TaskKeys.SchedulesRoot.Length..^5]);
                }
            }

            token = page.NextContinuationToken;
        }
        while (token is not null);
        return ids;
    }

    /// <summary>Ids that have an extensions object (one LIST of <c>schedule-options/</c>).</summary>
    public async Task<HashSet<string>> ListExtensionIdsAsync(CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await store.ListAsync(new ListRequest(ScheduleExtensionsJson.Root, ContinuationToken: token), ct);
            foreach (var o in page.Objects)
            {
                if (ScheduleExtensionsJson.IdOf(o.Key) is { } id)
                {
                    ids.Add(id);
                }
            }

            token = page.NextContinuationToken;
        }
        while (token is not null);
        return ids;
    }

    public async Task<ScheduleSnapshot?> GetAsync(string id, CancellationToken ct)
    {
        var key = TaskKeys.Schedule(id);
        var obj = await store.GetAsync(key, ct);
        return obj is null ? null : new ScheduleSnapshot(ModelJson.ParseSchedule(obj.Body, key), obj.ETag);
    }

    public async Task<LastRunSnapshot?> GetLastRunAsync(string id, CancellationToken ct)
    {
        var key = TaskKeys.ScheduleLastRun(id);
        var obj = await store.GetAsync(key, ct);
        if (obj is null)
        {
            return null;
        }

        try
        {
            return new LastRunSnapshot(ModelJson.ParseLastRun(obj.Body, key), obj.ETag);
        }
        catch (MalformedObjectException)
        {
            return new LastRunSnapshot(null, obj.ETag);
        }
    }

    /// <summary>The extensions of a schedule; <c>null</c> when none are stored.</summary>
    public async Task<ScheduleExtensions?> GetExtensionsAsync(string id, CancellationToken ct)
    {
        var key = ScheduleExtensionsJson.Key(id);
        var obj = await store.GetAsync(key, ct);
        return obj is null ? null : ScheduleExtensionsJson.Parse(obj.Body, key);
    }

    public Task<PutResult> CreateAsync(Schedule s, CancellationToken ct) =>
        store.PutAsync(TaskKeys.Schedule(s.Id), ModelJson.Serialize(s), PutCondition.IfNoneMatch, ct);

    public Task<PutResult> ReplaceAsync(Schedule s, string etag, CancellationToken ct) =>
        store.PutAsync(TaskKeys.Schedule(s.Id), ModelJson.Serialize(s), PutCondition.IfMatch(etag), ct);

    /// <summary>Stores the extensions, or removes them when <c>null</c>.</summary>
    public async Task PutExtensionsAsync(string id, ScheduleExtensions? e, CancellationToken ct)
    {
        if (e is null)
        {
            await store.DeleteAsync(ScheduleExtensionsJson.Key(id), null, ct);
            return;
        }

        await store.PutAsync(ScheduleExtensionsJson.Key(id), ScheduleExtensionsJson.Serialize(id, e), PutCondition.None, ct);
    }

    /// <summary>Writes the last run: CAS on <paramref name="etag"/>, create-only when <c>null</c>.</summary>
    public Task<PutResult> PutLastRunAsync(ScheduleLastRun run, string? etag, CancellationToken ct) =>
        store.PutAsync(
            TaskKeys.ScheduleLastRun(run.ScheduleId),
            ModelJson.Serialize(run),
            etag is null ? PutCondition.IfNoneMatch : PutCondition.IfMatch(etag),
            ct);

    /// <summary>Deletes the definition, then (best effort) the last run and the extensions.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        var status = await store.DeleteAsync(TaskKeys.Schedule(id), null, ct);
        foreach (var key in new[] { TaskKeys.ScheduleLastRun(id), ScheduleExtensionsJson.Key(id) })
        {
            try
            {
                await store.DeleteAsync(key, null, ct);
            }
            catch (ObjectStoreUnavailableException)
            {
                // Best effort, as buquet; create removes a stale last_run left behind by a failed delete.
            }
        }

        return status == DeleteStatus.Deleted;
    }
}
