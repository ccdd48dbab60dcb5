using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>
/// Index-key repairs shared by the lease recovery, the crash-window repair and the sweeper. Index keys are hints:
/// the task object is the truth, and every repair here is derived from a fresh read of it.
/// </summary>
/// <remarks>
/// A delete decided on a read can race a writer that just made the same key valid again (a retried task whose new
/// <c>available_at</c> falls in the same minute bucket gets the very same ready key). So every delete is followed by a
/// re-read of the task, and the key is put back when the task now needs it (<see cref="DeleteVerifiedAsync"/>).
/// </remarks>
internal sealed class IndexKeeper(TaskRepository repository)
{
    public TaskRepository Repository { get; } = repository;

    private IObjectStore Store => Repository.Store;

    /// <summary>The key the task needs in the index of <paramref name="kind"/>, or <c>null</c> when it needs none.</summary>
    public static string? Expected(TaskRecord? task, IndexKind kind)
    {
        var (ready, lease) = TaskRepository.IndexKeysOf(task);
        return kind == IndexKind.Ready ? ready : lease;
    }

    /// <summary>Reads a task by key; <c>null</c> when missing; throws <see cref="MalformedObjectException"/>.</summary>
    public Task<TaskSnapshot?> ReadAsync(string taskKey, CancellationToken cancellationToken) =>
        Repository.GetByKeyAsync(taskKey, cancellationToken);

    /// <summary>
    /// HEAD, then PUT when missing, then re-read the task and take the key back out if the task moved on meanwhile
    /// (a claim between our read and our PUT must not be left with a ready key). True when the key was created and kept.
    /// </summary>
    public async Task<bool> EnsureAsync(string indexKey, string taskKey, IndexKind kind, CancellationToken cancellationToken)
    {
        if (await Store.HeadAsync(indexKey, cancellationToken) is not null)
        {
            return false;
        }

        await Store.PutAsync(indexKey, ReadOnlyMemory<byte>.Empty, PutCondition.None, cancellationToken);
        TaskSnapshot? fresh;
        try
        {
            fresh = await ReadAsync(taskKey, cancellationToken);
        }
        catch (MalformedObjectException)
        {
            fresh = null;
        }

        if (Expected(fresh?.Task, kind) != indexKey)
        {
            await Store.DeleteAsync(indexKey, null, cancellationToken);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Deletes a stale index key, then re-reads the task and restores the key when the task needs it after all.
    /// True when the key stayed deleted.
    /// </summary>
    public Task<bool> DeleteVerifiedAsync(string indexKey, string taskKey, IndexKind kind, CancellationToken cancellationToken) =>
        Repository.DeleteIndexVerifiedAsync(indexKey, taskKey, kind == IndexKind.Lease, cancellationToken);

    /// <summary>The task key an index key points at, under the task's shard as written in the index key.</summary>
    public static string TaskKeyOf(IndexKey key) => TaskKeys.Task(key.Shard, key.TaskId);
}
