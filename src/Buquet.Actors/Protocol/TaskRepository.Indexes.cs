using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Protocol;

/// <summary>
/// The index keys (<c>ready/</c>, <c>leases/</c>): which keys a task needs, how a transition writes and removes them
/// around its CAS, and how maintenance repairs them. The one home of the index-key protocol and its invariant.
/// Index keys are hints: the task object is the truth, and every repair is derived from a fresh read of it.
/// </summary>
/// <remarks>
/// <para><b>Invariant: maintenance (the lease recovery, the crash-window repair and the sweeper) never deletes an index key younger than <see cref="YoungIndexKey"/></b> (store time since
/// the key's Last-Modified). Writers put the keys a transition needs <i>before</i> its CAS
/// (<see cref="PreWriteIndexesAsync"/>), so between that PUT and the CAS a fresh key looks stale to
/// anyone who reads the task: a claim's lease key ends in the current minute and the lease recovery examines it at
/// once. A delete decided on that read, even re-checked by a second read, can land before the CAS and leave the task
/// running (or pending) outside its index — soak finding 12. A writer's CAS follows its pre-write within seconds
/// (request timeouts are seconds), far inside a minute; a stale key is simply deleted by a later pass.</para>
/// <para>A delete decided on a read can also race a writer that just made the same key valid again (a retried task
/// whose new <c>available_at</c> falls in the same minute bucket gets the very same ready key). So every delete is
/// followed by a re-read of the task, and the key is put back when the task now needs it
/// (<see cref="DeleteStaleIndexAsync"/>). For the same reason a key put by <see cref="EnsureIndexAsync"/> is never taken back.</para>
/// </remarks>
internal sealed partial class TaskRepository
{
    /// <summary>The index keys a task should have: ready while pending, lease while running with a deadline.</summary>
    internal static (string? Ready, string? Lease) IndexKeysOf(TaskRecord? task) => task switch
    {
        null => (null, null),
        { Status: BuquetTaskStatus.Pending } => (TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id), null),
        { Status: BuquetTaskStatus.Running, LeaseExpiresAt: { } l } => (null, TaskKeys.Lease(task.Shard, l, task.Id)),
        _ => (null, null),
    };

    /// <summary>Which of the keys a transition needs were written before its CAS.</summary>
    internal readonly record struct PreWritten(bool Ready, bool Lease);

    /// <summary>
    /// Index keys first (findings 7 and 10 of docs/reliability.md): PUTs the ready and lease keys the new state needs
    /// before the CAS that makes them needed, so a writer killed right after its CAS (a claim, a retry back to pending,
    /// a recovery) leaves a task the pollers and the lease recovery can still see. A key written for a CAS that then
    /// loses is stale and harmless: pollers re-read the task before claiming, and the recovery and sweeper delete stale
    /// keys after re-reading it. Nothing is deleted here: the winner of the same race usually needs the very same key.
    /// </summary>
    internal async Task<PreWritten> PreWriteIndexesAsync(TaskRecord? before, TaskRecord after, CancellationToken cancellationToken)
    {
        var (oldReady, oldLease) = IndexKeysOf(before);
        var (newReady, newLease) = IndexKeysOf(after);
        var ready = newReady is null || newReady == oldReady || await BestEffortAsync(newReady, put: true, cancellationToken);
        var lease = newLease is null || newLease == oldLease || await BestEffortAsync(newLease, put: true, cancellationToken);
        return new PreWritten(ready, lease);
    }

    /// <summary>
    /// Index upkeep after a successful CAS: PUT the keys the new state needs that were not written before it, then DELETE
    /// the old ones — but never the old key of a kind whose new key could not be written (an extension whose new lease
    /// key failed keeps the old one, which the recovery then repairs), so a failure leaves an extra hint, not a missing one.
    /// A new ready key touches the wake-up hint (after the CAS: the task is pending now).
    /// </summary>
    internal async Task UpkeepIndexesAsync(TaskRecord? before, TaskRecord after, CancellationToken cancellationToken, PreWritten written = default)
    {
        var (oldReady, oldLease) = IndexKeysOf(before);
        var (newReady, newLease) = IndexKeysOf(after);
        var readyOk = newReady is null || newReady == oldReady || written.Ready || await BestEffortAsync(newReady, put: true, cancellationToken);
        var leaseOk = newLease is null || newLease == oldLease || written.Lease || await BestEffortAsync(newLease, put: true, cancellationToken);
        if (newReady is not null && newReady != oldReady && readyOk)
        {
            if (_wakeHints is { } hints)
            {
                // A task became ready: wake idle workers (rate-limited, never fails the transition; ADR 0008).
                await hints.NotifyAsync();
            }

            // Clustered fleet (ADR 0026): push it to the members when it is available now; a later one is found by
            // the pollers' due-bucket schedule, as without a cluster.
            if (Signals is { } signals && after.IsAvailableAt(after.UpdatedAt))
            {
                signals.TaskReady(newReady, after.TaskType);
            }
        }

        if (oldReady is not null && oldReady != newReady && readyOk)
        {
            await BestEffortAsync(oldReady, put: false, cancellationToken);
        }

        if (oldLease is not null && oldLease != newLease && leaseOk)
        {
            await DeleteOldLeaseAsync(oldLease, after, cancellationToken);
        }
    }

    /// <summary>
    /// Deletes the lease key of the execution that just ended. A task sent back to pending (retry, recovery, reschedule)
    /// can be claimed again at once, and a claim whose lease ends in the same minute needs this very key
    /// (<c>leases/{shard}/{minute}/{id}</c>): that claimer writes it before its CAS, so our DELETE can land after it and
    /// leave a running task outside the lease index (the soak's finding 11). So after the DELETE the task is re-read,
    /// and the key put back when the task now needs it. Terminal states cannot be claimed again: no re-read.
    /// </summary>
    private async Task DeleteOldLeaseAsync(string oldLease, TaskRecord after, CancellationToken cancellationToken)
    {
        if (after.Status != BuquetTaskStatus.Pending)
        {
            // Terminal, or an extension to a later minute: nobody else needs this key within the batch window (ADR 0011).
            if (DeferredDeletes is { } batch)
            {
                batch.Enqueue(oldLease);
            }
            else
            {
                await BestEffortAsync(oldLease, put: false, cancellationToken);
            }

            return;
        }

        try
        {
            await DeleteIndexVerifiedAsync(oldLease, after.Key, lease: true, cancellationToken);
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Index DELETE (verified) of {Key} failed; the sweeper will repair it", oldLease);
        }
    }

    /// <summary>
    /// Deletes an index key, then re-reads the task and puts the key back when the task needs it after all (a writer
    /// made the very same key valid again meanwhile). True when the key stayed deleted. Shared by the transitions'
    /// clean-up and the maintenance repairs (<see cref="DeleteStaleIndexAsync"/>); store outages propagate.
    /// </summary>
    internal async Task<bool> DeleteIndexVerifiedAsync(string indexKey, string taskKey, bool lease, CancellationToken cancellationToken)
    {
        await _store.DeleteManyAsync([indexKey], cancellationToken);
        TaskSnapshot? fresh;
        try
        {
            fresh = await GetByKeyAsync(taskKey, cancellationToken);
        }
        catch (MalformedObjectException)
        {
            return true;
        }

        var (ready, leaseKey) = IndexKeysOf(fresh?.Task);
        if ((lease ? leaseKey : ready) != indexKey)
        {
            return true;
        }

        await _store.PutAsync(indexKey, ReadOnlyMemory<byte>.Empty, PutCondition.None, cancellationToken);
        return false;
    }

    private async Task<bool> BestEffortAsync(string key, bool put, CancellationToken cancellationToken)
    {
        try
        {
            if (put)
            {
                DeferredDeletes?.Cancel(key);
                await _store.PutAsync(key, ReadOnlyMemory<byte>.Empty, PutCondition.None, cancellationToken);
            }
            else
            {
                await _store.DeleteManyAsync([key], cancellationToken); // no existence check: a missing key is fine
            }

            return true;
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Index {Operation} of {Key} failed; the sweeper will repair it", put ? "PUT" : "DELETE", key);
            return false;
        }
    }

    /// <summary>Index keys younger than this are never deleted by maintenance (the invariant in the remarks).</summary>
    public static readonly TimeSpan YoungIndexKey = TimeSpan.FromMinutes(1);

    /// <summary>The key the task needs in the index of <paramref name="kind"/>, or <c>null</c> when it needs none.</summary>
    internal static string? ExpectedIndexKey(TaskRecord? task, IndexKind kind)
    {
        var (ready, lease) = IndexKeysOf(task);
        return kind == IndexKind.Ready ? ready : lease;
    }

    /// <summary>The task key an index key points at, under the task's shard as written in the index key.</summary>
    internal static string TaskKeyOf(IndexKey key) => TaskKeys.Task(key.Shard, key.TaskId);

    /// <summary>
    /// Maintenance repair: HEAD, then PUT when missing. True when the key was created. If the task moved on between the
    /// caller's read and this PUT, the key is stale and stays until a later pass deletes it (pollers and the recovery
    /// re-read the task before acting on a key): taking it back out at once could delete the very key a writer
    /// pre-wrote for its CAS.
    /// </summary>
    internal async Task<bool> EnsureIndexAsync(string indexKey, CancellationToken cancellationToken)
    {
        if (await _store.HeadAsync(indexKey, cancellationToken) is not null)
        {
            return false;
        }

        await _store.PutAsync(indexKey, ReadOnlyMemory<byte>.Empty, PutCondition.None, cancellationToken);
        return true;
    }

    /// <summary>
    /// Maintenance repair: deletes a stale index key, as listed, then re-reads the task and restores the key when the
    /// task needs it after all. A key younger than <see cref="YoungIndexKey"/> is left alone (the invariant in the
    /// remarks; a later pass deletes it). True when the key was deleted and stayed deleted.
    /// </summary>
    internal async Task<bool> DeleteStaleIndexAsync(ObjectInfo listed, string taskKey, IndexKind kind, DateTimeOffset now, CancellationToken cancellationToken) =>
        now - listed.LastModified >= YoungIndexKey && await DeleteIndexVerifiedAsync(listed.Key, taskKey, kind == IndexKind.Lease, cancellationToken);
}
