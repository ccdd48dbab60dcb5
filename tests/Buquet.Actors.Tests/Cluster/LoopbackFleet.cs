using Akka.Actor;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.Supervisor;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// A clustered fleet without remoting, for virtual-time tests: what <c>FleetCluster</c> would deliver, delivered at once.
/// Every worker joins one handler group, so each ready key goes to one of them (in turn); hint announcements and relays
/// go to all. Thread-safe.
/// </summary>
internal sealed class LoopbackFleet : IFleetSignals
{
    private readonly Lock _gate = new();
    private readonly List<IActorRef> _workers = [];
    private long _next;
    private long _relays;

    /// <summary>Relays published so far.</summary>
    public long Relays => Interlocked.Read(ref _relays);

    /// <summary>Adds a worker's supervisor to the group.</summary>
    public void Join(IActorRef supervisor)
    {
        lock (_gate)
        {
            _workers.Add(supervisor);
        }
    }

    public void TaskReady(string readyKey) => One()?.Tell(new WorkerSupervisor.TaskReadyPushed(readyKey));

    public void TaskReady(string readyKey, string taskType) => One()?.Tell(new WorkerSupervisor.TaskReadyPushed(readyKey, taskType));

    public void CancelRequested(Guid taskId) => All(new WorkerSupervisor.CancelPushed(taskId));

    public void HintTouched(string etag) => All(new WorkerSupervisor.HintMoved(etag, Relayed: false));

    public void HintRelayed(string etag)
    {
        Interlocked.Increment(ref _relays);
        All(new WorkerSupervisor.HintMoved(etag, Relayed: true));
    }

    private IActorRef? One()
    {
        lock (_gate)
        {
            return _workers.Count == 0 ? null : _workers[(int)(_next++ % _workers.Count)];
        }
    }

    private void All(object message)
    {
        lock (_gate)
        {
            foreach (var worker in _workers)
            {
                worker.Tell(message);
            }
        }
    }
}
