using System.Text;
using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Configuration;

/// <summary>One effective setting for <c>buquet config show</c>.</summary>
/// <param name="Key">Dotted HOCON path, e.g. <c>buquet.store.s3.bucket</c> (map keys containing dots are quoted).</param>
/// <param name="Value">The effective value, redacted when <paramref name="Redacted"/>; null for HOCON <c>null</c>.</param>
/// <param name="Layer">The layer the value came from, e.g. <c>defaults (reference.conf)</c>, <c>file /etc/buquet/fleet.conf</c>, <c>command line</c>.</param>
/// <param name="Redacted">True when the value is a secret and was masked.</param>
public sealed record BuquetConfigurationEntry(string Key, string? Value, string Layer, bool Redacted);

/// <summary><c>config show</c>: the effective settings, secrets masked, each with its layer.</summary>
public static partial class BuquetConfiguration
{
    private static readonly HashSet<string> SecretNames = new(StringComparer.OrdinalIgnoreCase) { "secret-key", "session-token", "access-token" };

    /// <summary>Lists every <c>buquet</c> setting with its effective value and the layer it came from; secrets are masked.</summary>
    public static IReadOnlyList<BuquetConfigurationEntry> Describe(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var providers = configuration.Providers.Reverse().ToList();
        var entries = new List<BuquetConfigurationEntry>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            var segments = key.Split(':');
            if (!segments[0].Equals(BuquetOptions.SectionName, StringComparison.OrdinalIgnoreCase) || segments.Length < 2)
            {
                continue;
            }

            if (value is null && configuration.GetSection(key).GetChildren().Any())
            {
                continue; // a section, not a setting
            }

            var layer = providers.FirstOrDefault(p => p.TryGet(key, out _)) switch
            {
                LayerConfigurationProvider named => named.LayerName,
                { } other => other.ToString() ?? other.GetType().Name,
                null => "unknown",
            };
            var (shown, redacted) = Redact(segments[^1], value);
            entries.Add(new BuquetConfigurationEntry(ToDotted(segments), shown, layer, redacted));
        }

        return entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Renders <see cref="Describe"/> as HOCON lines with the layer as a trailing comment.</summary>
    public static string Show(IConfigurationRoot configuration)
    {
        var entries = Describe(configuration);
        var width = entries.Count == 0 ? 0 : entries.Max(e => e.Key.Length + Quote(e.Value).Length + 3);
        var sb = new StringBuilder();
        foreach (var entry in entries)
        {
            var line = $"{entry.Key} = {Quote(entry.Value)}";
            sb.Append(line.PadRight(width)).Append("  # ").Append(entry.Layer).Append('\n');
        }

        return sb.ToString();
    }

    private static (string? Value, bool Redacted) Redact(string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return (value, false);
        }

        if (SecretNames.Contains(name))
        {
            return ("<redacted>", true);
        }

        if (name.Equals("access-key", StringComparison.OrdinalIgnoreCase))
        {
            return (value.Length <= 4 ? "<redacted>" : value[..4] + "<redacted>", true);
        }

        return (value, false);
    }

    private static string ToDotted(string[] segments) =>
        string.Join('.', segments.Select(s => s.Length == 0 || s.Any(c => c is '.' or ' ' or '"' or '#' or '=') ? $"\"{s.Replace("\"", "\\\"", StringComparison.Ordinal)}\"" : s));

    private static string Quote(string? value) =>
        value is null ? "null" : $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"";
}
