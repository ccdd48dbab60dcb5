using Buquet.Actors.Cluster;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// Several fleet members in one process on loopback (ADR 0026): pushes reach peers, a node survives its only peer's
/// crash and keeps working alone, a downed node starts a new cluster system and rejoins. Real remoting and real time;
/// every wait is on a status change or an arrival.
/// </summary>
public sealed class FleetClusterTests
{
    [Fact]
    public async Task TaskReadyAndCancel_TwoMembers_ReachThePeer()
    {
        await using var a = new FleetNode();
        await using var b = new FleetNode(seed: a);
        await a.UntilAsync(() => a.Cluster.Status.State == FleetState.Clustered, "a clustered");
        await b.UntilAsync(() => b.Cluster.Status is { State: FleetState.Clustered, Members: 2 }, "b clustered");
        var task = Guid.NewGuid();

        await FleetNode.PublishUntilAsync(() => a.Cluster.TaskReady("ready/a/0029000000/x"), b, () => b.Ready.Contains("ready/a/0029000000/x"), "ready a→b");
        await FleetNode.PublishUntilAsync(() => b.Cluster.CancelRequested(task), a, () => a.Cancels.Contains(task), "cancel b→a");

        Assert.Equal(2, a.Cluster.Status.Members);
        Assert.All(b.Ready, key => Assert.Equal("ready/a/0029000000/x", key));
    }

    [Fact]
    public async Task PeerCrash_Survivor_StaysUpWorksAloneAndTakesANewPeer()
    {
        await using var a = new FleetNode();
        var b = new FleetNode(seed: a, rejoinDelay: TimeSpan.FromMinutes(10), hocon: "akka.coordinated-shutdown.run-by-actor-system-terminate = off");
        await b.UntilAsync(() => b.Cluster.Status.State == FleetState.Clustered, "b clustered");
        await a.UntilAsync(() => a.Cluster.Status is { State: FleetState.Clustered, Members: 2 }, "a clustered");
        var survivor = a.Cluster.CurrentSystem!;

        // A crash: b's system stops without leaving (no coordinated shutdown, no goodbye to a).
        var crashed = b.Cluster.CurrentSystem!;
        await crashed.Terminate();
        await b.DisposeAsync();
        await a.UntilAsync(() => a.Cluster.Status is { State: FleetState.Isolated, Members: 1 }, "a alone after b was downed");

        Assert.False(survivor.WhenTerminated.IsCompleted);
        Assert.Same(survivor, a.Cluster.CurrentSystem);
        await FleetNode.PublishUntilAsync(() => a.Cluster.TaskReady("ready/b/0029000000/y"), a, () => a.Ready.Contains("ready/b/0029000000/y"), "a to itself");

        await using var c = new FleetNode(seed: a);
        await a.UntilAsync(() => a.Cluster.Status is { State: FleetState.Clustered, Members: 2 }, "a clustered with c");
        await FleetNode.PublishUntilAsync(() => c.Cluster.TaskReady("ready/c/0029000000/z"), a, () => a.Ready.Contains("ready/c/0029000000/z"), "c→a");
        Assert.Equal(1, a.Cluster.Status.Generation);
    }

    [Fact]
    public async Task Downed_Node_StartsANewClusterSystemAndRejoins()
    {
        await using var a = new FleetNode();
        await using var b = new FleetNode(seed: a);
        await b.UntilAsync(() => b.Cluster.Status.State == FleetState.Clustered, "b clustered");
        var first = b.Cluster.CurrentSystem!;

        Akka.Cluster.Cluster.Get(a.Cluster.CurrentSystem!).Down(b.Cluster.SelfAddress!);
        await b.UntilAsync(() => b.Cluster.Status is { State: FleetState.Clustered, Generation: 2 }, "b rejoined with a new system");

        Assert.True(first.WhenTerminated.IsCompleted);
        await FleetNode.PublishUntilAsync(() => b.Cluster.TaskReady("ready/b/0029000000/w"), a, () => a.Ready.Contains("ready/b/0029000000/w"), "b→a after rejoin");
    }
}
