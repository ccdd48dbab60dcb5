using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;

namespace Buquet.Actors.Client;

public sealed partial class BuquetClient
{
    /// <summary>
    /// Cancels a task: a pending task becomes cancelled (T10; already cancelled ⇒ <see cref="TaskOperationStatus.AlreadyDone"/>);
    /// a running task gets a cooperative cancellation request (T9) and its shard's cancel hint is touched, so the worker
    /// running it cancels the handler's token within <c>worker.cancel-check-interval</c> (10 s by default); a handler
    /// that stops on it ends the task cancelled, one that finishes first completes it (ADR 0017).
    /// </summary>
    /// <param name="taskId">The task.</param>
    /// <param name="reason">Stored in <c>last_error</c> when given.</param>
    /// <param name="cancelledBy">Stored in <c>cancelled_by</c>, e.g. <c>user:alice</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<TaskOperationResult> CancelAsync(Guid taskId, string? reason = null, string? cancelledBy = null, CancellationToken cancellationToken = default)
    {
        TaskSnapshot? snapshot;
        try
        {
            snapshot = await _repository.GetAsync(taskId, cancellationToken);
        }
        catch (MalformedObjectException ex)
        {
            return new TaskOperationResult(taskId, TaskOperationStatus.Malformed, null, ex.Message);
        }

        return snapshot is null ? new TaskOperationResult(taskId, TaskOperationStatus.NotFound, null) : await CancelAsync(snapshot, reason, cancelledBy, cancellationToken);
    }

    /// <summary>Cancels many tasks with bounded parallelism; one result per id, in input order.</summary>
    public async Task<IReadOnlyList<TaskOperationResult>> CancelManyAsync(IEnumerable<Guid> taskIds, string? reason = null, string? cancelledBy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        var ids = taskIds.ToList();
        var results = new TaskOperationResult[ids.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, ids.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.BulkParallelism, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await CancelAsync(ids[i], reason, cancelledBy, ct));
        return results;
    }

    /// <summary>
    /// Cancels every pending task of a type, as buquet's <c>cancel_by_type</c> does (full scan of all shards: LIST plus a
    /// GET per task); running tasks of the type are left alone (cancel them by id).
    /// </summary>
    public async Task<IReadOnlyList<TaskOperationResult>> CancelByTypeAsync(string taskType, string? reason = null, string? cancelledBy = null, CancellationToken cancellationToken = default)
    {
        KeyComponents.ValidateTaskType(taskType);
        var pending = new List<TaskRecord>();
        string? token = null;
        do
        {
            var page = await ListAsync(new TaskQuery { TaskType = taskType, Status = BuquetTaskStatus.Pending, PageSize = 1000, ContinuationToken = token }, cancellationToken);
            pending.AddRange(page.Tasks);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return await CancelManyAsync(pending.Select(t => t.Id), reason, cancelledBy, cancellationToken);
    }

    /// <summary>Puts a failed task back to pending now (T12), keeping its attempt count.</summary>
    public Task<TaskOperationResult> ReplayAsync(Guid taskId, CancellationToken cancellationToken = default) =>
        ApplyOperationAsync(taskId, (t, now) => TaskTransitions.Replay(t, now, new ReplayRequest()), cancellationToken);

    /// <summary>Archives a completed or failed task (T13); already archived ⇒ <see cref="TaskOperationStatus.AlreadyDone"/>.</summary>
    public Task<TaskOperationResult> ArchiveAsync(Guid taskId, CancellationToken cancellationToken = default) =>
        ApplyOperationAsync(taskId, (t, now) => TaskTransitions.Archive(t, now, new ArchiveRequest()), cancellationToken);

    /// <summary>Marks a pending task expired now (T11), whether or not its TTL has passed.</summary>
    public Task<TaskOperationResult> ExpireAsync(Guid taskId, CancellationToken cancellationToken = default) =>
        ApplyOperationAsync(taskId, (t, now) => TaskTransitions.Expire(t, now, new ExpireRequest(Force: true)), cancellationToken);

    private async Task<TaskOperationResult> CancelAsync(TaskSnapshot snapshot, string? reason, string? cancelledBy, CancellationToken cancellationToken)
    {
        var outcome = await _repository.ApplyAsync(
            snapshot,
            (t, now) => t.Status == BuquetTaskStatus.Running
                ? TaskTransitions.RequestCancel(t, now, new RequestCancelRequest(reason, cancelledBy))
                : TaskTransitions.Cancel(t, now, new CancelRequest(reason, cancelledBy)),
            cancellationToken);
        var result = ToResult(snapshot.Task.Id, outcome);
        if (result.Task is not { Status: BuquetTaskStatus.Running } running || !result.Succeeded)
        {
            return result;
        }

        // After the request's CAS: the worker running the task checks its shard's cancel hint every few seconds
        // (ADR 0017). Touched again when the request was already there: its writer may have been a buquet peer.
        await CancelHints.TouchAsync(_store, running.Shard, _logger, cancellationToken);
        _repository.Signals?.CancelRequested(running.Id); // a clustered fleet's holder re-reads at once (ADR 0026)
        return result with { Status = TaskOperationStatus.CancellationRequested };
    }

    private async Task<TaskOperationResult> ApplyOperationAsync(Guid taskId, Func<TaskRecord, DateTimeOffset, TransitionResult> transition, CancellationToken cancellationToken) =>
        ToResult(taskId, await _repository.ApplyAsync(taskId, transition, cancellationToken));

    private static TaskOperationResult ToResult(Guid taskId, TransitionOutcome outcome) => outcome.Status switch
    {
        CasStatus.Written => new TaskOperationResult(taskId, TaskOperationStatus.Applied, outcome.Snapshot!.Task),
        CasStatus.Unchanged => new TaskOperationResult(taskId, TaskOperationStatus.AlreadyDone, outcome.Snapshot!.Task),
        CasStatus.NotFound => new TaskOperationResult(taskId, TaskOperationStatus.NotFound, null, outcome.Message),
        CasStatus.Refused => new TaskOperationResult(taskId, TaskOperationStatus.InvalidState, outcome.Snapshot?.Task, outcome.Message),
        CasStatus.Malformed => new TaskOperationResult(taskId, TaskOperationStatus.Malformed, null, outcome.Message),
        _ => new TaskOperationResult(taskId, TaskOperationStatus.Conflict, outcome.Snapshot?.Task, outcome.Message),
    };
}
