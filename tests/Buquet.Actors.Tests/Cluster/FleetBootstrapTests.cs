using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using Buquet.Actors.Cluster;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// Seeds from discovery (ADR 0028) on loopback: the generated <c>kubernetes-api</c> settings with Akka.Discovery's
/// config-based discovery standing in for the Kubernetes API (no API server here), so the look-up, the seed order and
/// Akka's seed-node join are the real ones. Real remoting and real time; every wait is on a status change or a log
/// record.
/// </summary>
public sealed class FleetBootstrapTests
{
    [Fact]
    public async Task Discovery_ThreeNodesByConfigDiscovery_FormOneCluster()
    {
        var ports = new[] { FreePort(), FreePort(), FreePort() };

        await using var a = new FleetNode(Settings(ports[0], ports, required: 2));
        await using var b = new FleetNode(Settings(ports[1], ports, required: 2));
        await using var c = new FleetNode(Settings(ports[2], ports, required: 2));

        foreach (var node in new[] { a, b, c })
        {
            await node.UntilAsync(() => node.Cluster.Status is { State: FleetState.Clustered, Members: 3 }, "three members Up");
        }

        await FleetNode.PublishUntilAsync(() => c.Cluster.TaskReady("ready/c/0029000000/k"), a, () => a.Ready.Contains("ready/c/0029000000/k"), "c→a");
        Assert.All(new[] { a, b, c }, n => Assert.Equal(1, n.Cluster.Status.Generation));
    }

    [Fact]
    public async Task Discovery_OneNodeRequiredOne_FormsAClusterOfItself()
    {
        var port = FreePort();

        await using var alone = new FleetNode(Settings(port, [port], required: 1));

        await alone.UntilAsync(() => alone.Cluster.Status.Members == 1, "this node Up in a cluster of its own");

        // Cluster.SelfMember reads Akka's read view, which its own subscriber updates after ours saw the node Up;
        // RegisterOnMemberUp answers from the cluster's event stream instead (at once when already Up).
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(alone.Cluster.CurrentSystem!).RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(FleetNode.Guard);
        Assert.Equal(FleetState.Isolated, alone.Cluster.Status.State); // alone: no peer to push to
    }

    [Fact]
    public async Task Discovery_FewerPodsThanRequired_WaitsIsolated()
    {
        var port = FreePort();
        using var logs = new LogSignal("waiting for 2");

        await using var node = new FleetNode(Settings(port, [port], required: 2), logs.Factory);
        await logs.WaitAsync();

        Assert.Equal(Akka.Cluster.MemberStatus.Removed, Akka.Cluster.Cluster.Get(node.Cluster.CurrentSystem!).SelfMember.Status); // not joined
        Assert.Equal(new FleetStatus(FleetState.Isolated, 0, 1), node.Cluster.Status);
    }

    [Fact]
    public async Task Discovery_KubernetesApiUnreachable_StaysIsolatedAndRunning()
    {
        // The generated kubernetes-api settings as a process outside Kubernetes has them: the API host variable is unset.
        var settings = new FleetClusterSettings("127.0.0.1", "127.0.0.1", FreePort(), [], TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1))
        {
            Bootstrap = new FleetBootstrapSettings(1, "app=buquet-worker", "buquet"),
            Extra = ConfigurationFactory.ParseString($"akka.discovery.kubernetes-api.api-service-host-env-name = \"BUQUET_TEST_UNSET_{Guid.NewGuid():N}\""),
        };
        using var logs = new LogSignal("Fleet cluster discovery failed (attempt 1)");

        await using var node = new FleetNode(settings, logs.Factory);
        await logs.WaitAsync();

        Assert.False(node.Cluster.CurrentSystem!.WhenTerminated.IsCompleted);
        Assert.Equal(new FleetStatus(FleetState.Isolated, 0, 1), node.Cluster.Status);
    }

    /// <summary>The generated kubernetes-api settings with config discovery listing the remoting <paramref name="ports"/>.</summary>
    private static FleetClusterSettings Settings(int port, IEnumerable<int> ports, int required)
    {
        var endpoints = string.Join(", ", ports.Select(p => $"\"127.0.0.1:{p}\""));
        var loopback = FleetNode.Loopback([]);
        return loopback with
        {
            Port = port,
            Bootstrap = new FleetBootstrapSettings(required, "app=buquet-worker", string.Empty),
            Extra = ConfigurationFactory.ParseString($$"""
                akka.discovery.method = config
                akka.discovery.config.services.{{FleetBootstrapSettings.ServiceName}}.endpoints = [{{endpoints}}]
                """).WithFallback(loopback.Extra),
        };
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
