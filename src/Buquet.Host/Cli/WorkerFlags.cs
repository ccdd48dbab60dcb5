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

    /// <summary>The <c>--cluster*</c> options, shared with <c>buquet serve</c>.</summary>
    public ClusterFlags Cluster { get; } = new();

    /// <summary>Every option, in help order.</summary>
    public IReadOnlyList<Option> All =>
        [Id, Concurrency, Shards, CancelCheckInterval, ValidateInput, NoMonitor, HealthPort, .. Cluster.All];

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

        flags.AddRange(Cluster.Given(parse));
        if (parse.GetValue(NoMonitor))
        {
            Add("no-monitor", "true");
        }

        return BuquetCommandLine.Map(flags);
    }
}
