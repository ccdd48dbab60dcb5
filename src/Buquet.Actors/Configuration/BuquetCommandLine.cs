using System.Globalization;

namespace Buquet.Actors.Configuration;

/// <summary>
/// Maps buquet's CLI flags (protocol §7: <c>worker --id --shards --ready-page-size --no-monitor</c>, <c>serve --port</c>, <c>monitor --check-interval --worker-health-threshold --sweep-interval
/// --sweep-page-size</c>) plus Buquet's own (<c>--concurrency --store --local-path --bucket --endpoint --region
/// --shard-prefix-len --cancel-check-interval --validate-input --cluster --cluster-port --cluster-public-hostname
/// --cluster-seed-nodes --cluster-discovery --cluster-required-contact-points
/// --cluster-label-selector</c>) to the command-line layer of <see cref="BuquetConfiguration.Build"/>. Flags given in seconds
/// by buquet (<c>--check-interval 30</c>) accept a bare number of seconds or a duration (<c>30s</c>).
/// </summary>
public static class BuquetCommandLine
{
    private static readonly Dictionary<string, (string Key, FlagKind Kind)> Flags = new(StringComparer.Ordinal)
    {
        ["id"] = ("buquet:worker:id", FlagKind.Text),
        ["shards"] = ("buquet:worker:shards", FlagKind.Text),
        ["ready-page-size"] = ("buquet:worker:ready-page-size", FlagKind.Text),
        ["no-monitor"] = ("buquet:monitor:enabled", FlagKind.InvertedSwitch),
        ["concurrency"] = ("buquet:worker:concurrency", FlagKind.Text),
        ["cancel-check-interval"] = ("buquet:worker:cancel-check-interval", FlagKind.Seconds),
        ["validate-input"] = ("buquet:worker:validate-input", FlagKind.Text),
        ["port"] = ("buquet:dashboard:port", FlagKind.Text),
        ["check-interval"] = ("buquet:monitor:check-interval", FlagKind.Seconds),
        ["worker-health-threshold"] = ("buquet:monitor:worker-health-threshold", FlagKind.Seconds),
        ["sweep-interval"] = ("buquet:monitor:sweep-interval", FlagKind.Seconds),
        ["sweep-page-size"] = ("buquet:monitor:sweep-page-size", FlagKind.Text),
        ["store"] = ("buquet:store:kind", FlagKind.Text),
        ["local-path"] = ("buquet:store:local:path", FlagKind.Text),
        ["bucket"] = ("buquet:store:s3:bucket", FlagKind.Bucket),
        ["endpoint"] = ("buquet:store:s3:endpoint", FlagKind.Text),
        ["region"] = ("buquet:store:s3:region", FlagKind.Text),
        ["shard-prefix-len"] = ("buquet:queue:shard-prefix-length", FlagKind.Text),
        ["health-port"] = ("buquet:worker:health:port", FlagKind.HealthPort),
        ["cluster"] = ("buquet:cluster:enabled", FlagKind.Text),
        ["cluster-port"] = ("buquet:cluster:port", FlagKind.Text),
        ["cluster-public-hostname"] = ("buquet:cluster:public-hostname", FlagKind.Text),
        ["cluster-seed-nodes"] = ("buquet:cluster:seed-nodes", FlagKind.Text),
        ["cluster-discovery"] = ("buquet:cluster:discovery", FlagKind.Text),
        ["cluster-required-contact-points"] = ("buquet:cluster:required-contact-points", FlagKind.Text),
        ["cluster-label-selector"] = ("buquet:cluster:kubernetes:label-selector", FlagKind.Text),
    };

    private enum FlagKind
    {
        Text,
        Seconds,
        InvertedSwitch,
        Bucket,
        HealthPort,
    }

    /// <summary>The flag names this mapping knows, without leading dashes.</summary>
    public static IReadOnlyCollection<string> FlagNames => Flags.Keys;

    /// <summary>Maps one flag to configuration overrides.</summary>
    /// <param name="flag">The flag, with or without leading dashes (<c>--check-interval</c> or <c>check-interval</c>).</param>
    /// <param name="value">The flag's value; for switches such as <c>--no-monitor</c>, null means present.</param>
    /// <returns>The overrides (<c>--bucket</c> also selects the s3 store).</returns>
    /// <exception cref="ArgumentException">The flag is unknown or a seconds value is not a number or duration.</exception>
    public static IReadOnlyList<KeyValuePair<string, string?>> Map(string flag, string? value)
    {
        ArgumentNullException.ThrowIfNull(flag);
        var name = flag.TrimStart('-');
        if (!Flags.TryGetValue(name, out var entry))
        {
            throw new ArgumentException($"--{name} is not a configuration flag; known: {string.Join(", ", Flags.Keys.Select(k => "--" + k))}", nameof(flag));
        }

        return entry.Kind switch
        {
            FlagKind.Seconds => [new(entry.Key, Seconds(name, value))],
            FlagKind.InvertedSwitch => [new(entry.Key, value is null || (BuquetOptionsBinder.TryParseBool(value, out var on) && on) ? "false" : "true")],
            FlagKind.Bucket => [new("buquet:store:kind", "s3"), new(entry.Key, value)],
            FlagKind.HealthPort => [new("buquet:worker:health:enabled", "true"), new(entry.Key, value)],
            _ => [new(entry.Key, value)],
        };
    }

    /// <summary>Maps several flags; later flags win.</summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> Map(IEnumerable<KeyValuePair<string, string?>> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return flags.SelectMany(f => Map(f.Key, f.Value)).ToList();
    }

    private static string Seconds(string name, string? value)
    {
        var text = value?.Trim() ?? string.Empty;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        return Durations.TryParse(text, out _, out var error)
            ? text
            : throw new ArgumentException($"--{name} {value}: expected seconds (e.g. 30) or a duration (e.g. 30s); {error}", nameof(value));
    }
}
