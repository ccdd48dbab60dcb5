using System.CommandLine;
using System.Globalization;
using Buquet.Actors.Configuration;

namespace Buquet.Host.Cli;

/// <summary>
/// The options of <c>buquet worker</c> that set configuration, and their mapping onto the command-line layer (through
/// <see cref="BuquetCommandLine.Map(string, string?)"/>). Every option here changes a setting; a test proves it.
/// </summary>
internal sealed class WorkerFlags
{
    public Option<string> Id { get; } = new("--id") { Description = "Worker id (default: worker-<8 hex>).", HelpName = "ID" };

    public Option<int?> Concurrency { get; } = new("--concurrency") { Description = "Tasks executed at once (default from buquet.worker.concurrency).", HelpName = "N" };

    public Option<string> Shards { get; } = new("--shards") { Description = "Comma-separated shards to poll (default: all).", HelpName = "LIST" };

    public Option<string> CancelCheckInterval { get; } = new("--cancel-check-interval")
    {
        Description = "How often running tasks' cancel requests are checked: seconds or a duration (default from buquet.worker.cancel-check-interval, 10s; 0 = at lease renewal only).",
        HelpName = "DURATION",
    };

    public Option<bool> ValidateInput { get; } = new("--validate-input")
    {
        Description = "Check each task's input against its type's schema before the handler runs; a mismatch fails the task for good (buquet.worker.validate-input).",
    };

    public Option<bool> NoMonitor { get; } = new("--no-monitor") { Description = "Do not run the embedded timeout monitor and index sweeper." };

    public Option<int?> HealthPort { get; } = new("--health-port") { Description = "Serve /healthz, /readyz (and /metrics) on this port (buquet.worker.health).", HelpName = "PORT" };

    public Option<bool> Cluster { get; } = new("--cluster") { Description = "Join the fleet's cluster for pushed wake-ups and cancels; S3 stays the authority (buquet.cluster.enabled, docs/cluster.md)." };

    public Option<int?> ClusterPort { get; } = new("--cluster-port") { Description = "Cluster remoting port (buquet.cluster.port, 4053; 0 = any free port).", HelpName = "PORT" };

    public Option<string> ClusterPublicHostname { get; } = new("--cluster-public-hostname") { Description = "Host name or IP peers reach this worker at (buquet.cluster.public-hostname).", HelpName = "HOST" };

    public Option<string> ClusterSeedNodes { get; } = new("--cluster-seed-nodes") { Description = "Comma-separated seed nodes host:port, the same on every node (buquet.cluster.seed-nodes).", HelpName = "LIST" };

    public Option<string> ClusterDiscovery { get; } = new("--cluster-discovery") { Description = "How members find each other: seeds or kubernetes-api (buquet.cluster.discovery).", HelpName = "METHOD" };

    public Option<int?> ClusterRequiredContactPoints { get; } = new("--cluster-required-contact-points") { Description = "kubernetes-api: pods found before joining them (buquet.cluster.required-contact-points, 1).", HelpName = "N" };

    public Option<string> ClusterLabelSelector { get; } = new("--cluster-label-selector") { Description = "kubernetes-api: label selector of the fleet's pods (buquet.cluster.kubernetes.label-selector).", HelpName = "SELECTOR" };

    /// <summary>Every option, in help order.</summary>
    public IReadOnlyList<Option> All =>
        [Id, Concurrency, Shards, CancelCheckInterval, ValidateInput, NoMonitor, HealthPort, Cluster, ClusterPort, ClusterPublicHostname, ClusterSeedNodes, ClusterDiscovery, ClusterRequiredContactPoints, ClusterLabelSelector];

    /// <summary>The options given on the command line as configuration overrides.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Overrides(ParseResult parse)
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

        Add("id", parse.GetValue(Id));
        Add("concurrency", parse.GetValue(Concurrency)?.ToString(CultureInfo.InvariantCulture));
        Add("shards", parse.GetValue(Shards));
        Add("cancel-check-interval", parse.GetValue(CancelCheckInterval));
        Add("health-port", parse.GetValue(HealthPort)?.ToString(CultureInfo.InvariantCulture));
        if (parse.GetValue(ValidateInput))
        {
            Add("validate-input", "true");
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

        if (parse.GetValue(NoMonitor))
        {
            Add("no-monitor", "true");
        }

        return BuquetCommandLine.Map(flags);
    }
}
