using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using static Akka.Cluster.ClusterEvent;

namespace Buquet.Actors.Cluster;

/// <summary>
/// Subscribes to the fleet topics, forwards pushed signals to the inbox, publishes this process's signals, and counts
/// the reachable Up members for <see cref="FleetStatus"/> (see <see cref="FleetBridge"/>).
/// </summary>
internal sealed class FleetBridgeActor : ReceiveActor
{
    // Immutable after construction.
    private readonly Action<int> _status;
    private readonly IActorRef _mediator;
    private readonly Akka.Cluster.Cluster _cluster;

    // Actor-confined.
    private FleetInbox _inbox;
    private readonly HashSet<UniqueAddress> _up = [];
    private readonly HashSet<UniqueAddress> _unreachable = [];
    private int _reported = -1;

    public FleetBridgeActor(FleetInbox inbox, Action<int> status)
    {
        _inbox = inbox;
        _status = status;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        _mediator = DistributedPubSub.Get(Context.System).Mediator;
        Receive<FleetBridge.Publish>(m => _mediator.Tell(new Publish(m.Topic, m.Payload, m.OnePerGroup)));
        Receive<FleetBridge.Attach>(OnAttach);
        Receive<string>(OnPayload);
        Receive<SubscribeAck>(_ => { });
        Receive<MemberUp>(m => Change(() => _up.Add(m.Member.UniqueAddress)));
        Receive<MemberWeaklyUp>(_ => { });
        Receive<MemberRemoved>(m => Change(() => { _up.Remove(m.Member.UniqueAddress); _unreachable.Remove(m.Member.UniqueAddress); }));
        Receive<MemberExited>(m => Change(() => _up.Remove(m.Member.UniqueAddress)));
        Receive<MemberLeft>(m => Change(() => _up.Remove(m.Member.UniqueAddress)));
        Receive<MemberDowned>(m => Change(() => _up.Remove(m.Member.UniqueAddress)));
        Receive<UnreachableMember>(m => Change(() => _unreachable.Add(m.Member.UniqueAddress)));
        Receive<ReachableMember>(m => Change(() => _unreachable.Remove(m.Member.UniqueAddress)));
        Receive<IMemberEvent>(_ => { });
        Receive<CurrentClusterState>(_ => { });
    }

    protected override void PreStart()
    {
        SubscribeWorkerTopics();
        _mediator.Tell(new Subscribe(FleetBridge.CancelTopic, Self));
        _cluster.Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsEvents, typeof(IMemberEvent), typeof(IReachabilityEvent));
    }

    private void SubscribeWorkerTopics()
    {
        if (_inbox.Group is { } group)
        {
            _mediator.Tell(new Subscribe(FleetBridge.ReadyTopic, Self, group)); // one worker per handler group (ADR 0027)
            _mediator.Tell(new Subscribe(FleetBridge.HintTopic, Self));
        }
    }

    private void OnAttach(FleetBridge.Attach attach)
    {
        var subscribed = _inbox.Group is not null;
        _inbox = attach.Inbox;
        if (!subscribed)
        {
            SubscribeWorkerTopics();
        }
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnPayload(string payload)
    {
        // A malformed payload (another version's) is dropped: pushes are hints, the S3 cadence covers the rest.
        if (payload.StartsWith(FleetBridge.ReadyKind, StringComparison.Ordinal))
        {
            var rest = payload[FleetBridge.ReadyKind.Length..];
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            _inbox.TaskReady(space < 0 ? rest : rest[..space], space < 0 ? null : rest[(space + 1)..]);
        }
        else if (payload.StartsWith(FleetBridge.CancelKind, StringComparison.Ordinal)
            && Guid.TryParse(payload.AsSpan(FleetBridge.CancelKind.Length), out var id))
        {
            _inbox.CancelRequested(id);
        }
        else if (payload.StartsWith(FleetBridge.HintKind, StringComparison.Ordinal))
        {
            _inbox.HintMoved(payload[FleetBridge.HintKind.Length..], false);
        }
        else if (payload.StartsWith(FleetBridge.RelayKind, StringComparison.Ordinal))
        {
            _inbox.HintMoved(payload[FleetBridge.RelayKind.Length..], true);
        }
    }

    private void Change(Action change)
    {
        change();
        var members = _up.Contains(_cluster.SelfUniqueAddress) ? _up.Count(m => !_unreachable.Contains(m)) : 0;
        if (members != _reported)
        {
            _reported = members;
            _status(members);
        }
    }
}
