using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Protocol;

internal sealed partial class TaskRepository
{
    /// <summary>GET the task by id, then <see cref="ApplyAsync(TaskSnapshot, Func{TaskRecord, DateTimeOffset, TransitionResult}, CancellationToken)"/>.</summary>
    public async Task<TransitionOutcome> ApplyAsync(Guid id, Func<TaskRecord, DateTimeOffset, TransitionResult> transition, CancellationToken cancellationToken = default)
    {
        TaskSnapshot? snapshot;
        try
        {
            snapshot = await GetAsync(id, cancellationToken);
        }
        catch (MalformedObjectException ex)
        {
            return TransitionOutcome.Malformed(ex);
        }

        return snapshot is null ? TransitionOutcome.NotFound : await ApplyAsync(snapshot, transition, cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="transition"/> to the known snapshot and writes it If-Match its ETag; on a lost race
    /// re-reads and re-applies (the transition re-checks status and fencing on the fresh task), up to
    /// <see cref="MaxCasAttempts"/> rounds.
    /// </summary>
    public async Task<TransitionOutcome> ApplyAsync(TaskSnapshot known, Func<TaskRecord, DateTimeOffset, TransitionResult> transition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(transition);
        var current = known;
        for (var attempt = 0; attempt < MaxCasAttempts; attempt++)
        {
            var now = await _clock.NowAsync(cancellationToken);
            var result = transition(current.Task, now);
            if (!result.Succeeded)
            {
                return new TransitionOutcome(CasStatus.Refused, current, result.Refusal, result.Message);
            }

            if (!result.Changed)
            {
                return new TransitionOutcome(CasStatus.Unchanged, current);
            }

            var written = await TryWriteAsync(current, result, cancellationToken);
            if (written is not null)
            {
                return new TransitionOutcome(CasStatus.Written, written);
            }

            var obj = await _store.GetAsync(current.Task.Key, cancellationToken);
            if (obj is null)
            {
                return TransitionOutcome.NotFound;
            }

            TaskSnapshot fresh;
            try
            {
                fresh = new TaskSnapshot(Parse(obj), obj.ETag);
            }
            catch (MalformedObjectException ex)
            {
                return TransitionOutcome.Malformed(ex);
            }

            if (obj.Body.Span.SequenceEqual(TaskJson.Serialize(result.Task!)))
            {
                // Our write landed although the store reported a failed precondition (an SDK retry, §3.2).
                await UpkeepIndexesAsync(current.Task, fresh.Task, cancellationToken);
                return new TransitionOutcome(CasStatus.Written, fresh);
            }

            current = fresh;
        }

        return new TransitionOutcome(CasStatus.Conflict, current, null, $"Lost {MaxCasAttempts} compare-and-swap rounds on task {known.Task.Id}.");
    }

    /// <summary>
    /// PUT If-Match of a changed transition result, then index upkeep. <c>null</c> when the precondition failed and the
    /// stored body is not ours. An ambiguous transport failure is resolved by re-reading.
    /// </summary>
    private async Task<TaskSnapshot?> TryWriteAsync(TaskSnapshot current, TransitionResult result, CancellationToken cancellationToken)
    {
        if (!result.Succeeded || !result.Changed)
        {
            return null;
        }

        var next = result.Task!;
        var body = TaskJson.Serialize(next);

        var written = await PreWriteIndexesAsync(current.Task, next, cancellationToken);
        if (!written.Lease && current.Task.Status == BuquetTaskStatus.Pending && next.Status == BuquetTaskStatus.Running)
        {
            // A claim nobody could recover if this worker died: not attempted (the task stays pending for a later poll).
            throw new ObjectStoreUnavailableException($"Lease index key of task {next.Id} could not be written; claim not attempted.");
        }

        PutResult? put;
        try
        {
            put = await _store.PutAsync(next.Key, body, PutCondition.IfMatch(current.ETag), cancellationToken);
            if (!put.Succeeded)
            {
                // A 412 is a lost race, except when an SDK retry follows a write that landed (§3.2, §9.2 item 7). The
                // caller re-reads after a loss anyway; claims re-check their unique lease id on that read.
                return null;
            }
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Ambiguous write of task {TaskId}; re-reading to see whether it landed", next.Id);
            put = await ResolveAmbiguousAsync(next.Key, body, cancellationToken);
            if (put is null)
            {
                return null;
            }
        }

        if (current.Task is { Status: BuquetTaskStatus.Pending, Attempt: > 0 } && next.Status == BuquetTaskStatus.Running)
        {
            // A re-claim: the previous execution's clean-up (its retry or recovery deletes the old lease key, then
            // re-reads the task) may target this very key (same minute, same id) and land between our pre-write and
            // our CAS. Writing it again after the CAS means a PUT always follows that DELETE (finding 11).
            written = written with { Lease = false };
        }

        await UpkeepIndexesAsync(current.Task, next, cancellationToken, written);
        return new TaskSnapshot(next, put.ETag!);
    }

    /// <summary>Re-reads <paramref name="key"/>: a written result when the stored body is exactly ours, else <c>null</c>.</summary>
    private async Task<PutResult?> ResolveAmbiguousAsync(string key, byte[] body, CancellationToken cancellationToken)
    {
        var obj = await _store.GetAsync(key, cancellationToken);
        return obj is not null && obj.Body.Span.SequenceEqual(body) ? PutResult.Written(obj.ETag, obj.VersionId) : null;
    }

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
        if (newReady is not null && newReady != oldReady && readyOk && _wakeHints is { } hints)
        {
            // A task became ready: wake idle workers (rate-limited, never fails the transition; ADR 0008).
            await hints.NotifyAsync();
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
            Interlocked.Increment(ref _indexFailures);
            _logger.LogWarning(ex, "Index DELETE (verified) of {Key} failed; the sweeper will repair it", oldLease);
        }
    }

    /// <summary>
    /// Deletes an index key, then re-reads the task and puts the key back when the task needs it after all (a writer
    /// made the very same key valid again meanwhile). True when the key stayed deleted. Shared by the transitions'
    /// clean-up and the maintenance repairs (IndexKeeper); store outages propagate.
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
            Interlocked.Increment(ref _indexFailures);
            _logger.LogWarning(ex, "Index {Operation} of {Key} failed; the sweeper will repair it", put ? "PUT" : "DELETE", key);
            return false;
        }
    }
}
