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
                // Another writer stored exactly the task we meant to write (the same change at the same store time,
                // e.g. two identical cancels): the result is ours as much as theirs; only the index upkeep is left.
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
                // A lost race: the store has already settled a refusal that answered a re-sent copy of a write that
                // landed (ADR 0002). The caller re-reads; claims re-check their unique lease id on that read.
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
}
