using System.Text;
using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Configuration;

/// <summary>One effective setting for <c>buquet config show</c>.</summary>
/// <param name="Key">Dotted HOCON path, e.g. <c>buquet.store.s3.bucket</c>.</param>
/// <param name="Value">The effective value as HOCON text (lists as <c>["a", "b"]</c>, maps as <c>{ "k" = 1 }</c>), masked when <paramref name="Redacted"/>; null for HOCON <c>null</c>.</param>
/// <param name="Layer">The layer the value came from, e.g. <c>defaults (reference.conf)</c>, <c>file /etc/buquet/fleet.conf</c>, <c>command line</c>.</param>
/// <param name="Redacted">True when the value is a secret and was masked.</param>
public sealed record BuquetConfigurationEntry(string Key, string? Value, string Layer, bool Redacted);

/// <summary><c>config show</c>: the effective settings, secrets masked, each with its layer.</summary>
public static partial class BuquetConfiguration
{
    private static readonly HashSet<string> SecretNames = new(StringComparer.OrdinalIgnoreCase) { "secret-key", "session-token", "access-token" };

    /// <summary>
    /// Lists every Buquet setting with its effective value and the layer it came from, sorted by key; secrets are masked.
    /// Keys under <c>buquet</c> that match no setting (typos) are listed too, so they can be spotted.
    /// </summary>
    public static IReadOnlyList<BuquetConfigurationEntry> Describe(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var providers = configuration.Providers.Reverse().ToList();
        var entries = new List<BuquetConfigurationEntry>();
        var known = new List<string>();
        foreach (var (path, type) in BuquetOptionsBinder.Settings())
        {
            var key = path.Replace('.', ':');
            known.Add(key);
            var section = configuration.GetSection(key);
            var isCollection = type == typeof(List<string>) || type == typeof(Dictionary<string, int>);
            var value = !isCollection || section.Value is not null
                ? section.Value
                : type == typeof(List<string>)
                    ? "[" + string.Join(", ", section.GetChildren().Select(c => Quote(c.Value))) + "]"
                    : "{" + string.Concat(section.GetChildren().Select(c => $" {Quote(c.Key)} = {c.Value}")) + " }";
            var layer = LayerOf(providers, key, isCollection);
            var (shown, redacted) = Redact(path[(path.LastIndexOf('.') + 1)..], value);
            entries.Add(new BuquetConfigurationEntry(path, shown, layer, redacted));
        }

        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (key.StartsWith(BuquetOptions.SectionName + ":", StringComparison.OrdinalIgnoreCase)
                && !known.Any(k => key.Equals(k, StringComparison.OrdinalIgnoreCase) || key.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase))
                && !configuration.GetSection(key).GetChildren().Any())
            {
                entries.Add(new BuquetConfigurationEntry(key.Replace(':', '.'), value, LayerOf(providers, key, false) + " (unknown setting)", false));
            }
        }

        return entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Renders <see cref="Describe"/> as HOCON lines, values quoted, with the layer as a trailing comment.</summary>
    public static string Show(IConfigurationRoot configuration)
    {
        var entries = Describe(configuration);
        var lines = entries.Select(e => (Text: $"{e.Key} = {(e.Value is { Length: > 0 } v && v[0] is '[' or '{' ? v : Quote(e.Value))}", e.Layer)).ToList();
        var width = lines.Count == 0 ? 0 : lines.Max(l => l.Text.Length);
        var sb = new StringBuilder();
        foreach (var (text, layer) in lines)
        {
            sb.Append(text.PadRight(width)).Append("  # ").Append(layer).Append('\n');
        }

        return sb.ToString();
    }

    private static string LayerOf(List<IConfigurationProvider> providers, string key, bool collection)
    {
        var provider = providers.FirstOrDefault(p => p.TryGet(key, out _) || (collection && p.GetChildKeys([], key).Any()));
        return provider switch
        {
            LayerConfigurationProvider named => named.LayerName,
            null => DefaultsLayer,
            _ => provider.ToString() ?? provider.GetType().Name,
        };
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

    private static string Quote(string? value) =>
        value is null ? "null" : $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"";
}
