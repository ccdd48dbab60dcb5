using System.Net;
using System.Net.Sockets;
using Buquet.Actors.Cluster;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// The seed probe merges a fleet split into two clusters that never look for each other (ADR 0026). Found by the
/// multi-process kill tests' manual follow-up: a first seed restarted within a few seconds of its SIGKILL got no answer
/// from its peer (which still gated its address), formed a cluster of its own, and the survivor, once it had downed the
/// old incarnation, stayed alone in another: both isolated for good. Real remoting and real time.
/// </summary>
public sealed class SeedProbeTests
{
    [Fact]
    public async Task FirstSeedRestartedAlone_SurvivorAloneInAnother_MergeIntoOneCluster()
    {
        var (firstPort, secondPort) = FreePorts();
        string[] seeds = [$"127.0.0.1:{firstPort}", $"127.0.0.1:{secondPort}"];
        var first = new FleetNode(firstPort, seeds, TimeSpan.FromMinutes(10), "akka.coordinated-shutdown.run-by-actor-system-terminate = off");
        await using var second = new FleetNode(secondPort, seeds);
        await second.UntilAsync(() => second.Cluster.Status is { State: FleetState.Clustered, Members: 2 }, "second clustered with first");

        // The first seed crashes (no leave) and is restarted at once, and forms a cluster of its own: as when no answer
        // came from the second within seed-node-timeout (over TCP the second gates its address for 5 s after the crash),
        // here made certain by listing only itself as a seed.
        await first.Cluster.CurrentSystem!.Terminate();
        await first.DisposeAsync();
        await using var restarted = new FleetNode(firstPort, [seeds[0]]);
        await restarted.UntilAsync(() => restarted.Cluster.Status is { State: FleetState.Isolated, Members: 1 }, "the restarted first seed formed a cluster of its own");
        await second.UntilAsync(() => second.Cluster.Status is { Members: 1 } or { Generation: > 1 }, "second alone after downing the crashed first seed");

        // The second, alone, asks the first seed's probe, hears of a singleton earlier in the seed list, and joins it.
        await second.UntilAsync(() => second.Cluster.Status is { State: FleetState.Clustered, Members: 2, Generation: 2 }, "second joined the restarted first seed");
        await restarted.UntilAsync(() => restarted.Cluster.Status is { State: FleetState.Clustered, Members: 2 }, "the restarted first seed sees the second");
        Assert.Equal(1, restarted.Cluster.Status.Generation);
        await FleetNode.PublishUntilAsync(() => restarted.Cluster.TaskReady("ready/a/0029000000/m"), second, () => second.Ready.Contains("ready/a/0029000000/m"), "first→second after the merge");
    }

    private static (int, int) FreePorts()
    {
        using var a = new TcpListener(IPAddress.Loopback, 0);
        using var b = new TcpListener(IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        return (((IPEndPoint)a.LocalEndpoint).Port, ((IPEndPoint)b.LocalEndpoint).Port);
    }
}
