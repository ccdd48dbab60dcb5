using Buquet.Actors.Cluster;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// Delivery of the fleet topics by group (ADR 0027), three members in one process on loopback with real remoting: a
/// ready key reaches one worker of each handler group, hint moves reach every worker, and a client member receives
/// neither. Waits are on arrivals only.
/// </summary>
public sealed class FleetGroupTests
{
    private const int Keys = 20;

    [Fact]
    public async Task TaskReady_TwoGroups_ReachesExactlyOneWorkerOfEachGroup()
    {
        using var arrivals = new SemaphoreSlim(0); // shared: a wait on one node wakes at an arrival on any
        await using var a = new FleetNode(group: "g1", arrivals: arrivals);
        await using var b = new FleetNode(seed: a, group: "g1", arrivals: arrivals);
        await using var c = new FleetNode(seed: a, group: "g2", arrivals: arrivals);
        await c.UntilAsync(() => c.Cluster.Status.Members == 3, "c sees three members");
        // Subscriptions replicate by gossip: publish until each node has received one (earlier ones may be lost).
        await FleetNode.PublishUntilAsync(() => c.Cluster.TaskReady("ready/0/0029000000/warm-a", "t"), c, () => c.Ready.Contains("ready/0/0029000000/warm-a"), "c's own group");
        await FleetNode.PublishUntilAsync(() => c.Cluster.TaskReady("ready/0/0029000000/warm-b", "t"), b, () => a.Ready.Contains("ready/0/0029000000/warm-b") && b.Ready.Contains("ready/0/0029000000/warm-b"), "both of g1 known to c");
        var keys = Enumerable.Range(0, Keys).Select(i => $"ready/0/0029000000/k{i}").ToList();

        foreach (var key in keys)
        {
            c.Cluster.TaskReady(key, "t");
        }

        await c.UntilAsync(() => keys.All(c.Ready.Contains), "every key at g2's only worker");
        await a.UntilAsync(() => keys.All(k => a.Ready.Contains(k) || b.Ready.Contains(k)), "every key at one of g1's workers");
        Assert.DoesNotContain(keys, k => a.Ready.Contains(k) && b.Ready.Contains(k));
    }

    [Fact]
    public async Task HintTouchedAndRelayed_Workers_ReachEveryWorkerButNoClient()
    {
        using var arrivals = new SemaphoreSlim(0);
        await using var a = new FleetNode(group: "g1", arrivals: arrivals);
        await using var b = new FleetNode(seed: a, group: "g1", arrivals: arrivals);
        await using var client = new FleetNode(seed: a, group: FleetNode.NoGroup, arrivals: arrivals);
        await b.UntilAsync(() => b.Cluster.Status.Members == 3, "b sees three members");

        await FleetNode.PublishUntilAsync(() => client.Cluster.HintTouched("\"e1\""), b, () => a.Hints.Contains(("\"e1\"", false)) && b.Hints.Contains(("\"e1\"", false)), "announce to both workers");
        await FleetNode.PublishUntilAsync(() => a.Cluster.HintRelayed("\"e2\""), b, () => b.Hints.Contains(("\"e2\"", true)), "relay a→b");
        await FleetNode.PublishUntilAsync(() => a.Cluster.TaskReady("ready/0/0029000000/x", "t"), b, () => a.Ready.Contains("ready/0/0029000000/x") || b.Ready.Contains("ready/0/0029000000/x"), "ready to g1");

        Assert.Empty(client.Hints);
        Assert.Empty(client.Ready);
    }

    [Fact]
    public void GroupOf_SameTypesInAnyOrder_SameGroupAndOtherTypesAnother()
    {
        Assert.Equal(FleetBridge.GroupOf(["b", "a", "a"]), FleetBridge.GroupOf(["a", "b"]));
        Assert.NotEqual(FleetBridge.GroupOf(["a"]), FleetBridge.GroupOf(["a", "b"]));
        Assert.Matches("^h[0-9a-f]{16}$", FleetBridge.GroupOf(["send_email"]));
    }
}
