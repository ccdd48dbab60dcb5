using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Host.Bench;

/// <summary>
/// When one task was submitted, first claimed and finished, on the store's clock. With versioning these are the
/// last-modified times the store stamped on the task object's versions (one clock for every process): the first version
/// is the submit, the second the first claim (the worker starts the handler right after it), the latest the terminal
/// write. Without versioning only the task's own <c>created_at</c> and <c>completed_at</c> are known (each written with
/// its writer's store clock) and the pickup time is unknown.
/// </summary>
internal sealed record TaskTimings(Guid Id, BuquetTaskStatus Status, DateTimeOffset Submitted, DateTimeOffset? Claimed, DateTimeOffset? Finished, bool FromVersions)
{
    public double? PickupMs => Claimed is { } c ? (c - Submitted).TotalMilliseconds : null;

    public double? EndToEndMs => Finished is { } f ? (f - Submitted).TotalMilliseconds : null;

    /// <summary>Reads the task and its versions (not counted as benchmark requests: pass the undecorated store).</summary>
    public static async Task<TaskTimings?> ReadAsync(IObjectStore store, string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.GetAsync(key, ct) is not { } obj)
        {
            return null;
        }

        var task = TaskJson.Parse(obj.Body, key);
        var finished = task.IsTerminal ? task.CompletedAt ?? task.UpdatedAt : (DateTimeOffset?)null;
        if (!store.Capabilities.Versioning)
        {
            return new TaskTimings(task.Id, task.Status, task.CreatedAt, null, finished, false);
        }

        var versions = new List<ObjectVersionInfo>();
        string? token = null;
        do
        {
            var page = await store.ListVersionsAsync(key, 1000, token, ct);
            versions.AddRange(page.Versions.Where(v => !v.IsDeleteMarker));
            token = page.NextContinuationToken;
        }
        while (token is not null);

        if (versions.Count == 0)
        {
            return new TaskTimings(task.Id, task.Status, task.CreatedAt, null, finished, false);
        }

        var ordered = versions.OrderBy(v => v.LastModified).ToArray();
        var submitted = ordered[0].LastModified;
        DateTimeOffset? claimed = ordered.Length > 1 ? ordered[1].LastModified : null;
        DateTimeOffset? done = task.IsTerminal ? ordered[^1].LastModified : null;
        return new TaskTimings(task.Id, task.Status, submitted, claimed, done, true);
    }
}
