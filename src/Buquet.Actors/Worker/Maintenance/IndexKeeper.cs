using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>
/// Index-key repairs shared by the lease recovery, the crash-window repair and the sweeper. Index keys are hints:
/// the task object is the truth, and every repair here is derived from a fresh read of it.
/// </summary>
/// <remarks>
/// <para><b>Invariant: maintenance never deletes an index key younger than <see cref="YoungKey"/></b> (store time since
/// the key's Last-Modified). Writers put the keys a transition needs <i>before</i> its CAS
/// (<see cref="TaskRepository.PreWriteIndexesAsync"/>), so between that PUT and the CAS a fresh key looks stale to
/// anyone who reads the task: a claim's lease key ends in the current minute and the lease recovery examines it at
/// once. A delete decided on that read, even re-checked by a second read, can land before the CAS and leave the task
/// running (or pending) outside its index — soak finding 12. A writer's CAS follows its pre-write within seconds
/// (request timeouts are seconds), far inside a minute; a stale key is simply deleted by a later pass.</para>
/// <para>A delete decided on a read can also race a writer that just made the same key valid again (a retried task
/// whose new <c>available_at</c> falls in the same minute bucket gets the very same ready key). So every delete is
/// followed by a re-read of the task, and the key is put back when the task now needs it
/// (<see cref="DeleteVerifiedAsync"/>). For the same reason a key put by <see cref="EnsureAsync"/> is never taken back.</para>
/// </remarks>
internal sealed class IndexKeeper(TaskRepository repository)
{
    /// <summary>Index keys younger than this are never deleted by maintenance (the invariant above).</summary>
    public static readonly TimeSpan YoungKey = TimeSpan.FromMinutes(1);

    public TaskRepository Repository { get; } = repository;

    /// <summary>True when <paramref name="indexKey"/> (as listed) may belong to a transition whose CAS has not landed yet.</summary>
    private static bool IsYoung(ObjectInfo indexKey, DateTimeOffset now) => now - indexKey.LastModified < YoungKey;

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
    /// HEAD, then PUT when missing. True when the key was created. If the task moved on between the caller's read and
    /// this PUT, the key is stale and stays until a later pass deletes it (pollers and the recovery re-read the task
    /// before acting on a key): taking it back out at once could delete the very key a writer pre-wrote for its CAS.
    /// </summary>
    public async Task<bool> EnsureAsync(string indexKey, CancellationToken cancellationToken)
    {
        if (await Store.HeadAsync(indexKey, cancellationToken) is not null)
        {
            return false;
        }

        await Store.PutAsync(indexKey, ReadOnlyMemory<byte>.Empty, PutCondition.None, cancellationToken);
        return true;
    }

    /// <summary>
    /// Deletes a stale index key, as listed, then re-reads the task and restores the key when the task needs it after
    /// all. A key younger than <see cref="YoungKey"/> is left alone (the invariant above; a later pass deletes it). True
    /// when the key was deleted and stayed deleted.
    /// </summary>
    public async Task<bool> DeleteVerifiedAsync(ObjectInfo listed, string taskKey, IndexKind kind, DateTimeOffset now, CancellationToken cancellationToken) =>
        !IsYoung(listed, now) && await Repository.DeleteIndexVerifiedAsync(listed.Key, taskKey, kind == IndexKind.Lease, cancellationToken);

    /// <summary>The task key an index key points at, under the task's shard as written in the index key.</summary>
    public static string TaskKeyOf(IndexKey key) => TaskKeys.Task(key.Shard, key.TaskId);
}
