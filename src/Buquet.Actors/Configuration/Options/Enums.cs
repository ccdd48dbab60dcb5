namespace Buquet.Actors.Configuration;

/// <summary>Which object store backs the queue (<c>buquet.store.kind</c>: <c>local</c>, <c>s3</c> or <c>memory</c>).</summary>
public enum StoreKind
{
    /// <summary>A local directory (single machine; demos and development).</summary>
    Local,

    /// <summary>An S3-compatible bucket (AWS, MinIO, Ceph RGW, ...); what a fleet uses.</summary>
    S3,

    /// <summary>In-process memory (tests; nothing survives the process).</summary>
    Memory,
}

/// <summary>Polling strategy (<c>buquet.worker.polling.strategy</c>).</summary>
public enum PollingStrategy
{
    /// <summary>Back off from min-interval to max-interval while idle, reset on work.</summary>
    Adaptive,

    /// <summary>Poll every <c>interval</c>.</summary>
    Fixed,
}

/// <summary>How a clustered fleet's members find each other (<c>buquet.cluster.discovery</c>, ADR 0028).</summary>
public enum ClusterDiscovery
{
    /// <summary>Every node lists the same seed nodes (<c>seeds</c>; compose, fixed hosts, a StatefulSet).</summary>
    Seeds,

    /// <summary>The seeds are the fleet's pods, listed through the Kubernetes API (<c>kubernetes-api</c>).</summary>
    KubernetesApi,
}

/// <summary>Index sweeper mode (<c>buquet.monitor.sweep-mode</c>).</summary>
public enum SweepMode
{
    /// <summary>Incremental, resumable per-shard cursor.</summary>
    Continuous,

    /// <summary>Full scan of every shard on each sweep (<c>on-demand</c>).</summary>
    OnDemand,
}

/// <summary>What the scheduler does with slots missed while no scheduler ran (<c>buquet.scheduler.catch-up</c>).</summary>
public enum CatchUpPolicy
{
    /// <summary>Missed slots collapse into one run keyed by the first missed slot (buquet's behaviour; schedule catch-up <c>none</c>).</summary>
    One,

    /// <summary>The backlog is dropped; the newest due slot runs (schedule catch-up <c>latest</c>).</summary>
    Skip,

    /// <summary>Every missed slot runs.</summary>
    All,
}
