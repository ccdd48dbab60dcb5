using Akka.Actor;
using Akka.Cluster;
using Buquet.Actors.Client;
using Buquet.Actors.Cluster;
using Buquet.Actors.Storage;

namespace Buquet.Actors.IntegrationTests.Cluster;

/// <summary>
/// The test process as a producer inside the fleet's cluster (ADR 0026: "a producer that is a cluster member"): a
/// <see cref="FleetCluster"/> on 127.0.0.1 (any free port, so never the oldest nor, by design of the fleet's ports,
/// the point of a case) joined through the fleet's seeds, given to a <see cref="BuquetClient"/> as its signals, so each
/// submit publishes the task's ready key after the CAS. It receives pushes too but ignores them.
/// </summary>
internal sealed class FleetMember : IAsyncDisposable
{
    private readonly SemaphoreSlim _changed = new(0);

    public FleetMember(IObjectStore store, string seeds)
    {
        Cluster = new FleetCluster(new FleetClusterSettings("127.0.0.1", "127.0.0.1", 0, seeds.Split(','), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Cluster.StatusChanged += _ => _changed.Release();
        Cluster.Start(FleetInbox.PublishOnly);
        Client = new BuquetClient(store, new BuquetClientOptions(), null, null, null, Cluster);
    }

    public FleetCluster Cluster { get; }

    /// <summary>Submits publish "ready" to the fleet after each CAS.</summary>
    public BuquetClient Client { get; }

    /// <summary>Waits for this member to see <paramref name="members"/> reachable Up members, itself included.</summary>
    public async Task UntilMembersAsync(int members, TimeSpan guard)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (Cluster.Status is not { State: FleetState.Clustered } status || status.Members != members)
        {
            var left = guard - TimeProvider.System.GetElapsedTime(start);
            if (left <= TimeSpan.Zero || !await _changed.WaitAsync(left))
            {
                Assert.Fail($"the test's cluster member saw {Cluster.Status}, not {members} members, within {guard}");
            }
        }
    }

    /// <summary>
    /// The other Up members' ports, oldest first, and the port of their lowest address (Akka's address order), from a
    /// snapshot the cluster's event publisher sends: <c>Cluster.State</c> is a read view that its own subscriber updates
    /// after the member count this test waited on, so it may still lack a member.
    /// </summary>
    public async Task<(IReadOnlyList<int> ByAge, int Lowest)> PeersAsync(TimeSpan guard)
    {
        var cluster = Akka.Cluster.Cluster.Get(Cluster.CurrentSystem!);
        using var inbox = Inbox.Create(Cluster.CurrentSystem!);
        cluster.SendCurrentClusterState(inbox.Receiver);
        var state = (ClusterEvent.CurrentClusterState)await inbox.ReceiveAsync(guard);
        var members = state.Members.Where(m => m.Status == MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress)).ToList();
        var byAge = members.Order(Member.AgeOrdering).Select(m => m.Address.Port!.Value).ToList();
        var lowest = members.Select(m => m.Address).Order(Member.AddressOrdering).First().Port!.Value;
        return (byAge, lowest);
    }

    /// <summary>Leaves the cluster gracefully.</summary>
    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
