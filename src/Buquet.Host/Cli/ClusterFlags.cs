using System.CommandLine;
using System.Globalization;

namespace Buquet.Host.Cli;

/// <summary>
/// The <c>--cluster*</c> options of <c>buquet worker</c> and <c>buquet serve</c> (docs/cluster.md), as raw flags for
/// <c>BuquetCommandLine.Map</c>.
/// </summary>
internal sealed class ClusterFlags
{
    public Option<bool> Cluster { get; } = new("--cluster") { Description = "Join the fleet's cluster for pushed wake-ups and cancels; S3 stays the authority (buquet.cluster.enabled, docs/cluster.md)." };

    public Option<int?> ClusterPort { get; } = new("--cluster-port") { Description = "Cluster remoting port (buquet.cluster.port, 4053; 0 = any free port).", HelpName = "PORT" };

    public Option<string> ClusterPublicHostname { get; } = new("--cluster-public-hostname") { Description = "Host name or IP peers reach this process at (buquet.cluster.public-hostname).", HelpName = "HOST" };

    public Option<string> ClusterSeedNodes { get; } = new("--cluster-seed-nodes") { Description = "Comma-separated seed nodes host:port, the same on every node (buquet.cluster.seed-nodes).", HelpName = "LIST" };

    public Option<string> ClusterDiscovery { get; } = new("--cluster-discovery") { Description = "How members find each other: seeds or kubernetes-api (buquet.cluster.discovery).", HelpName = "METHOD" };

    public Option<int?> ClusterRequiredContactPoints { get; } = new("--cluster-required-contact-points") { Description = "kubernetes-api: pods found before joining them (buquet.cluster.required-contact-points, 1).", HelpName = "N" };

    public Option<string> ClusterLabelSelector { get; } = new("--cluster-label-selector") { Description = "kubernetes-api: label selector of the fleet's pods (buquet.cluster.kubernetes.label-selector).", HelpName = "SELECTOR" };

    /// <summary>Every option, in help order.</summary>
    public IReadOnlyList<Option> All => [Cluster, ClusterPort, ClusterPublicHostname, ClusterSeedNodes, ClusterDiscovery, ClusterRequiredContactPoints, ClusterLabelSelector];

    /// <summary>The cluster options given on the command line, as unmapped flag/value pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Given(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var flags = new List<KeyValuePair<string, string?>>();
        void Add(string flag, string? value)
        {
            if (value is not null)
            {
                flags.Add(new(flag, value));
            }
        }

        Add("cluster-port", parse.GetValue(ClusterPort)?.ToString(CultureInfo.InvariantCulture));
        Add("cluster-public-hostname", parse.GetValue(ClusterPublicHostname));
        Add("cluster-seed-nodes", parse.GetValue(ClusterSeedNodes));
        Add("cluster-discovery", parse.GetValue(ClusterDiscovery));
        Add("cluster-required-contact-points", parse.GetValue(ClusterRequiredContactPoints)?.ToString(CultureInfo.InvariantCulture));
        Add("cluster-label-selector", parse.GetValue(ClusterLabelSelector));
        if (parse.GetValue(Cluster))
        {
            Add("cluster", "true");
        }

        return flags;
    }
}
