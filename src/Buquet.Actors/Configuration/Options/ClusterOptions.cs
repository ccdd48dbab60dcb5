namespace Buquet.Actors.Configuration;

/// <summary>
/// The optional clustered fleet (<c>buquet.cluster</c>, ADR 0026): workers join an Akka.NET cluster of their own and
/// push "a task is ready" and "a cancel was requested" to each other. S3 stays the only authority; off by default.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>Join the fleet's cluster (<c>enabled</c>; env <c>BUQUET_CLUSTER_ENABLED</c>; flag <c>--cluster</c>).</summary>
    /// <value>The default is false.</value>
    public bool Enabled { get; set; } = BuquetDefaults.ClusterEnabled;

    /// <summary>Remoting TCP port (<c>port</c>; env <c>BUQUET_CLUSTER_PORT</c>); 0 = any free port (not for a seed node).</summary>
    /// <value>The default is 4053.</value>
    public int Port { get; set; } = BuquetDefaults.ClusterPort;

    /// <summary>Address the remoting listener binds (<c>bind-hostname</c>; env <c>BUQUET_CLUSTER_BIND_HOSTNAME</c>).</summary>
    /// <value>The default is 0.0.0.0 (every interface).</value>
    public string BindHostname { get; set; } = BuquetDefaults.ClusterBindHostname;

    /// <summary>
    /// Host name or IP peers reach this process at (<c>public-hostname</c>; env <c>BUQUET_CLUSTER_PUBLIC_HOSTNAME</c>;
    /// flag <c>--cluster-public-hostname</c>); must match this node's entry in <see cref="SeedNodes"/> when it is a seed.
    /// </summary>
    /// <value>The default is empty, which is an error when <see cref="Enabled"/>.</value>
    public string PublicHostname { get; set; } = string.Empty;

    /// <summary>
    /// Seed nodes as <c>host:port</c> (<c>seed-nodes</c>; env <c>BUQUET_CLUSTER_SEED_NODES</c>, comma-separated; flag
    /// <c>--cluster-seed-nodes</c>); every node lists the same seeds. Empty: this node forms a cluster of its own.
    /// </summary>
    /// <value>The default is empty.</value>
    public List<string> SeedNodes { get; set; } = [];

    /// <summary>
    /// A peer unreachable this long is downed by the reachable side's leader (<c>down-unreachable-after</c>); this node
    /// never downs itself (ADR 0026).
    /// </summary>
    /// <value>The default is 15 s.</value>
    public TimeSpan DownUnreachableAfter { get; set; } = BuquetDefaults.ClusterDownUnreachableAfter;

    /// <summary>Wait before a node whose cluster stopped (it was downed or removed) starts a new one and rejoins (<c>rejoin-delay</c>).</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan RejoinDelay { get; set; } = BuquetDefaults.ClusterRejoinDelay;

    /// <summary>
    /// How members find each other (<c>discovery</c>: <c>seeds</c> or <c>kubernetes-api</c>; env
    /// <c>BUQUET_CLUSTER_DISCOVERY</c>; flag <c>--cluster-discovery</c>; ADR 0028).
    /// </summary>
    /// <value>The default is seeds.</value>
    public ClusterDiscovery Discovery { get; set; } = BuquetDefaults.ClusterDiscoveryMethod;

    /// <summary>
    /// Fleet pods (this one included) discovered before this node joins them or, as the lowest address, forms a cluster
    /// (<c>required-contact-points</c>; env <c>BUQUET_CLUSTER_REQUIRED_CONTACT_POINTS</c>); with
    /// <c>discovery = kubernetes-api</c> only.
    /// </summary>
    /// <value>The default is 1, so a one-replica Deployment forms a cluster of itself.</value>
    public int RequiredContactPoints { get; set; } = BuquetDefaults.ClusterRequiredContactPoints;

    /// <summary>Where <c>discovery = kubernetes-api</c> looks for the fleet's pods (<c>kubernetes</c>).</summary>
    public ClusterKubernetesOptions Kubernetes { get; set; } = new();

    /// <summary>TLS on the cluster's remoting (<c>tls</c>, ADR 0028).</summary>
    public ClusterTlsOptions Tls { get; set; } = new();
}

/// <summary>
/// Mutual TLS on the clustered fleet's remoting (<c>buquet.cluster.tls</c>, ADR 0028): every member holds the same
/// certificate and accepts only peers presenting it (pinned by thumbprint).
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>Encrypt and authenticate remoting (<c>enabled</c>; env <c>BUQUET_CLUSTER_TLS_ENABLED</c>).</summary>
    /// <value>The default is false (plain TCP).</value>
    public bool Enabled { get; set; }

    /// <summary>
    /// The fleet's certificate with its private key, a PKCS#12 (.pfx/.p12) file (<c>certificate-path</c>; env
    /// <c>BUQUET_CLUSTER_TLS_CERTIFICATE_PATH</c>); the same file on every member.
    /// </summary>
    /// <value>The default is empty, which is an error when <see cref="Enabled"/>.</value>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>Password of the PKCS#12 file (<c>certificate-password</c>; env <c>BUQUET_CLUSTER_TLS_CERTIFICATE_PASSWORD</c>).</summary>
    /// <value>The default is empty (no password).</value>
    public string CertificatePassword { get; set; } = string.Empty;
}

/// <summary>The pods of a Kubernetes fleet (<c>buquet.cluster.kubernetes</c>, ADR 0028).</summary>
public sealed class ClusterKubernetesOptions
{
    /// <summary>
    /// Label selector of the fleet's pods (<c>label-selector</c>; env <c>BUQUET_CLUSTER_KUBERNETES_LABEL_SELECTOR</c>;
    /// flag <c>--cluster-label-selector</c>); must match the Deployment's pod labels.
    /// </summary>
    /// <value>The default is app=buquet-worker.</value>
    public string LabelSelector { get; set; } = BuquetDefaults.ClusterKubernetesLabelSelector;

    /// <summary>
    /// Namespace whose pods are listed (<c>namespace</c>; env <c>BUQUET_CLUSTER_KUBERNETES_NAMESPACE</c>); empty = the
    /// pod's own, read from its service account.
    /// </summary>
    /// <value>The default is empty.</value>
    public string Namespace { get; set; } = string.Empty;
}
