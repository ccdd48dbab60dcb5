namespace Buquet.Actors.Configuration;

/// <summary>
/// Removal of finished tasks (<c>buquet.retention</c>), like BullMQ's <c>removeOnComplete</c>/<c>removeOnFail</c> by
/// age: a task in one of these states is deleted, with its payload objects and index keys, once it has been in that
/// state for the given age, judged on the store clock. Zero keeps tasks in that state forever. Done by each worker's
/// retention actor over the shards it holds (see <c>Worker/Maintenance/README.md</c>) and by <c>buquet purge</c>.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Age after <c>completed_at</c> at which a completed task is removed (<c>completed</c>); 0 keeps them.</summary>
    /// <value>The default is 7 days.</value>
    public TimeSpan Completed { get; set; } = BuquetDefaults.RetentionCompleted;

    /// <summary>Age after <c>completed_at</c> at which a failed task is removed (<c>failed</c>); 0 keeps them.</summary>
    /// <value>The default is 30 days.</value>
    public TimeSpan Failed { get; set; } = BuquetDefaults.RetentionFailed;

    /// <summary>Age after <c>cancelled_at</c> at which a cancelled task is removed (<c>cancelled</c>); 0 keeps them.</summary>
    /// <value>The default is 7 days.</value>
    public TimeSpan Cancelled { get; set; } = BuquetDefaults.RetentionCancelled;

    /// <summary>Age after <c>expired_at</c> at which an expired task is removed (<c>expired</c>); 0 keeps them.</summary>
    /// <value>The default is 7 days.</value>
    public TimeSpan Expired { get; set; } = BuquetDefaults.RetentionExpired;

    /// <summary>Age after <c>updated_at</c> at which an archived task is removed (<c>archived</c>); 0 keeps them.</summary>
    /// <value>The default is 0: archived tasks are kept (archiving is an operator's choice to keep a task out of the views).</value>
    public TimeSpan Archived { get; set; } = BuquetDefaults.RetentionArchived;

    /// <summary>Pause between two steps of a pass over the held shards (<c>step-interval</c>).</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan StepInterval { get; set; } = BuquetDefaults.RetentionStepInterval;

    /// <summary>Pause between the end of a pass over the held shards and the next pass (<c>pass-interval</c>).</summary>
    /// <value>The default is 10 min.</value>
    public TimeSpan PassInterval { get; set; } = BuquetDefaults.RetentionPassInterval;

    /// <summary>Task objects listed per step (<c>max-objects-per-step</c>); only those old enough are read.</summary>
    /// <value>The default is 1000 (one LIST page).</value>
    public int MaxObjectsPerStep { get; set; } = BuquetDefaults.RetentionMaxObjectsPerStep;
}
