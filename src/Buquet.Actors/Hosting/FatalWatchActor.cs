using Akka.Actor;

namespace Buquet.Actors.Hosting;

/// <summary>Watches one actor (DeathWatch) and reports its termination once, then stops.</summary>
internal sealed class FatalWatchActor : ReceiveActor
{
    private readonly IActorRef _target;

    public FatalWatchActor(IActorRef target, Action onTerminated)
    {
        _target = target;
        Receive<Terminated>(t => t.ActorRef.Equals(_target), _ =>
        {
            onTerminated();
            Context.Stop(Self);
        });
    }

    protected override void PreStart() => Context.Watch(_target);
}
