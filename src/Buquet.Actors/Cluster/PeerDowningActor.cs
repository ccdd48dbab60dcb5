using Akka.Actor;
using Akka.Cluster;
using static Akka.Cluster.ClusterEvent;

namespace Buquet.Actors.Cluster;

/// <summary>
/// Downs peers unreachable for longer than the configured time, when this node is the leader of its reachable side
/// (Akka computes the leader among reachable members); never this node itself. A peer that becomes reachable again
/// or is removed first is left alone. Runs as a child of the cluster daemon (<see cref="PeerDowningProvider"/>).
/// </summary>
internal sealed class PeerDowningActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    // Immutable after construction.
    private readonly TimeSpan _after;
    private readonly Akka.Cluster.Cluster _cluster;

    public PeerDowningActor(TimeSpan after)
    {
        _after = after;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        Receive<UnreachableMember>(m => Arm(m.Member.UniqueAddress));
        Receive<ReachableMember>(m => Timers.Cancel(m.Member.UniqueAddress));
        Receive<MemberRemoved>(m => Timers.Cancel(m.Member.UniqueAddress));
        Receive<DownIfUnreachable>(OnDue);
        Receive<IMemberEvent>(_ => { });
        Receive<CurrentClusterState>(_ => { });
    }

    protected override void PreStart() =>
        _cluster.Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsEvents, typeof(IReachabilityEvent), typeof(IMemberEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Arm(UniqueAddress node)
    {
        if (!node.Equals(_cluster.SelfUniqueAddress))
        {
            Timers.StartSingleTimer(node, new DownIfUnreachable(node), _after);
        }
    }

    private void OnDue(DownIfUnreachable due)
    {
        var state = _cluster.State;
        if (!state.Unreachable.Any(m => m.UniqueAddress.Equals(due.Node)))
        {
            return;
        }

        if (_cluster.SelfAddress.Equals(state.Leader))
        {
            _cluster.Down(due.Node.Address);
        }
        else
        {
            Arm(due.Node); // another reachable node leads and downs it; look again in case leadership moves here
        }
    }

    private sealed record DownIfUnreachable(UniqueAddress Node);
}
