namespace Buquet.Actors.Protocol;

/// <summary>
/// Best-effort "look now" messages to the other processes of a clustered fleet (ADR 0026, 0027). They never carry state:
/// a receiver re-reads S3 and every claim is still a CAS. Implementations must return at once and never throw (a lost
/// message leaves the receiver to its usual S3 cadence). Null wherever the cluster is off.
/// </summary>
internal interface IFleetSignals
{
    /// <summary>A task became ready now: its ready-index key (<c>ready/{shard}/{bucket}/{id}</c>), written after the CAS.</summary>
    void TaskReady(string readyKey);

    /// <summary>
    /// A task of <paramref name="taskType"/> became ready now at <paramref name="readyKey"/>: one worker of each handler
    /// group receives it, and one without a handler for the type drops it without a request.
    /// </summary>
    void TaskReady(string readyKey, string taskType) => TaskReady(readyKey);

    /// <summary>Cancellation of a running task was requested (after the request's CAS).</summary>
    void CancelRequested(Guid taskId);

    /// <summary>This process touched the S3 wake-up hint; the touch's ETag (its ready keys were pushed as well).</summary>
    void HintTouched(string etag)
    {
    }

    /// <summary>
    /// A worker saw the wake-up hint move to <paramref name="etag"/>, which no member announced (a non-member wrote it):
    /// the other members poll now instead of at their next hint check. Receivers never relay it again.
    /// </summary>
    void HintRelayed(string etag)
    {
    }
}
