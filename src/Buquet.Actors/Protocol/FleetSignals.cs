namespace Buquet.Actors.Protocol;

/// <summary>
/// Best-effort "look now" messages to the other processes of a clustered fleet (ADR 0026). They never carry state:
/// a receiver re-reads S3 and every claim is still a CAS. Implementations must return at once and never throw (a lost
/// message leaves the receiver to its usual S3 cadence). Null wherever the cluster is off.
/// </summary>
internal interface IFleetSignals
{
    /// <summary>A task became ready now: its ready-index key (<c>ready/{shard}/{bucket}/{id}</c>), written after the CAS.</summary>
    void TaskReady(string readyKey);

    /// <summary>Cancellation of a running task was requested (after the request's CAS).</summary>
    void CancelRequested(Guid taskId);
}
