namespace Buquet.Actors.Cluster;

/// <summary>Where this process stands in the clustered fleet (ADR 0026).</summary>
public enum FleetState
{
    /// <summary>The cluster is off (<c>buquet.cluster.enabled = false</c>).</summary>
    Absent,

    /// <summary>On, but this node has no reachable peer (starting, seeds unreachable, alone, partitioned or rejoining): S3 only.</summary>
    Isolated,

    /// <summary>A member with at least one reachable Up peer: ready tasks and cancels are pushed.</summary>
    Clustered,
}

/// <summary>A snapshot of this node's cluster state.</summary>
/// <param name="State">Absent, isolated or clustered.</param>
/// <param name="Members">Reachable Up members this node sees, itself included (0 when absent or not Up yet).</param>
/// <param name="Generation">Cluster systems started so far (a node downed or removed starts a new one to rejoin).</param>
public sealed record FleetStatus(FleetState State, int Members, int Generation)
{
    /// <summary>The cluster is off.</summary>
    public static FleetStatus Absent { get; } = new(FleetState.Absent, 0, 0);

    /// <summary>Short text for logs and <c>buquet workers</c>: <c>absent</c>, <c>isolated</c> or <c>clustered (3)</c>.</summary>
    public override string ToString() => State switch
    {
        FleetState.Clustered => $"clustered ({Members})",
        FleetState.Isolated => "isolated",
        _ => "absent",
    };
}
