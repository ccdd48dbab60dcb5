using System.CommandLine;
using System.Globalization;
using Buquet.Actors.Configuration;

namespace Buquet.Host.Cli;

/// <summary>Options every command accepts (recursive: before or after the command name).</summary>
internal sealed class GlobalOptions
{
    public Option<string[]> Config { get; } = new("--config")
    {
        Description = "HOCON configuration file; repeat to layer several (later files win). Default: $BUQUET_CONFIG, else built-in defaults.",
        HelpName = "PATH",
        Arity = ArgumentArity.OneOrMore,
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Machine-readable JSON output (stable shape, see docs/cli.md); never coloured.",
        Recursive = true,
    };

    public Option<string> Store { get; } = new Option<string>("--store")
    {
        Description = "Store to use: local (a directory), s3 (an S3-compatible bucket) or memory (this process only).",
        HelpName = "local|s3|memory",
        Recursive = true,
    }.AcceptOnlyFromAmong("local", "s3", "memory");

    public Option<string> LocalPath { get; } = new("--local-path")
    {
        Description = "Directory of the local store (default ./buquet-data).",
        HelpName = "DIR",
        Recursive = true,
    };

    public Option<string> Bucket { get; } = new("--bucket")
    {
        Description = "S3 bucket (selects the s3 store; env S3_BUCKET).",
        HelpName = "NAME",
        Recursive = true,
    };

    public Option<string> Endpoint { get; } = new("--endpoint")
    {
        Description = "S3 endpoint URL for MinIO, Ceph, moto... (env S3_ENDPOINT; empty = AWS).",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string> Region { get; } = new("--region")
    {
        Description = "S3 region (env S3_REGION; default us-east-1).",
        HelpName = "REGION",
        Recursive = true,
    };

    public Option<int?> ShardPrefixLength { get; } = new("--shard-prefix-len")
    {
        Description = "Hex characters per shard name: 1 = 16 shards (default), 2 = 256. Every producer and worker must agree.",
        HelpName = "1..4",
        Recursive = true,
    };

    public IEnumerable<Option> All => [Config, Json, Store, LocalPath, Bucket, Endpoint, Region, ShardPrefixLength];

    /// <summary>The store flags as configuration overrides (via <see cref="BuquetCommandLine.Map(string, string?)"/>); an explicit --store wins over --bucket.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Overrides(ParseResult parse)
    {
        var flags = new List<KeyValuePair<string, string?>>();
        void Add(string flag, string? value)
        {
            if (value is not null)
            {
                flags.Add(new(flag, value));
            }
        }

        Add("local-path", parse.GetValue(LocalPath));
        Add("bucket", parse.GetValue(Bucket));
        Add("endpoint", parse.GetValue(Endpoint));
        Add("region", parse.GetValue(Region));
        Add("shard-prefix-len", parse.GetValue(ShardPrefixLength)?.ToString(CultureInfo.InvariantCulture));
        Add("store", parse.GetValue(Store));
        return BuquetCommandLine.Map(flags);
    }
}
