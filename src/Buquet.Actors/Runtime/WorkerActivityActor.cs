using Akka.Actor;

namespace Buquet.Actors.Runtime;

/// <summary>Holds the worker's idle flag and fleet size and tells subscribers (DeathWatch drops stopped ones).</summary>
internal sealed class WorkerActivityActor : ReceiveActor
{
    private readonly HashSet<IActorRef> _subscribers = [];
    private WorkerActivity.Changed _state = new(false, 1);

    public WorkerActivityActor()
    {
        Receive<WorkerActivity.SetIdle>(m => Update(_state with { Idle = m.Idle }));
        Receive<WorkerActivity.SetFleetSize>(m => Update(_state with { FleetSize = Math.Max(1, m.LiveWorkers) }));
        Receive<WorkerActivity.Subscribe>(m =>
        {
            if (_subscribers.Add(m.Subscriber))
            {
                Context.Watch(m.Subscriber);
            }

            m.Subscriber.Tell(_state);
        });
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
        Receive<WorkerActivity.GetState>(_ => Sender.Tell(_state));
    }

    private void Update(WorkerActivity.Changed next)
    {
        if (next == _state)
        {
            return;
        }

        _state = next;
        foreach (var subscriber in _subscribers)
        {
            subscriber.Tell(next);
        }
    }
}
