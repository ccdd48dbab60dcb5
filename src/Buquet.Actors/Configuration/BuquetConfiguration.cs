using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Configuration;

/// <summary>
/// Builds Buquet's layered configuration. Precedence, lowest first: built-in defaults (the embedded
/// <c>HOCON/reference.conf</c>) &lt; HOCON files in the order given &lt; buquet's environment variables (<c>S3_BUCKET</c>,
/// <c>S3_ENDPOINT</c>, <c>S3_REGION</c>, <c>AWS_*</c>, <c>BUQUET_*</c>) &lt; .NET-style overrides
/// (<c>BUQUET__WORKER__CONCURRENCY=8</c>) &lt; command-line flags. Keys are canonical kebab-case
/// (<c>buquet:worker:shard-leasing:lease-ttl</c>); a list set in a higher layer replaces the lower layer's list.
/// </summary>
public static partial class BuquetConfiguration
{
    /// <summary>Name of the embedded defaults layer.</summary>
    public const string DefaultsLayer = "defaults (reference.conf)";

    /// <summary>Name of the buquet environment-variable layer.</summary>
    public const string BuquetEnvironmentLayer = "environment (buquet variables)";

    /// <summary>Name of the <c>BUQUET__</c> override layer.</summary>
    public const string DotNetEnvironmentLayer = "environment (BUQUET__ overrides)";

    /// <summary>Name of the command-line layer.</summary>
    public const string CommandLineLayer = "command line";

    /// <summary>Prefix of .NET-style overrides: <c>BUQUET__SECTION__KEY</c> sets <c>buquet:section:key</c>.</summary>
    public const string OverridePrefix = "BUQUET__";

    private const string ReferenceResource = "Buquet.Actors.Configuration.reference.conf";

    /// <summary>Builds the layered configuration.</summary>
    /// <param name="hoconFiles">HOCON files, lowest precedence first; all must exist. When null or empty, <c>BUQUET_CONFIG</c> (if set) names one file.</param>
    /// <param name="environment">Environment variables (e.g. <see cref="Environment.GetEnvironmentVariables()"/>); null reads the process environment. Also used for <c>${?VAR}</c> in HOCON files.</param>
    /// <param name="commandLineOverrides">Settings from command-line flags, keyed <c>buquet:section:key</c> (PascalCase or kebab-case segments).</param>
    /// <returns>The configuration; bind it with <see cref="BuquetOptions.Load"/> or <see cref="BuquetServiceCollectionExtensions.AddBuquetOptions"/>.</returns>
    /// <exception cref="HoconParseException">A HOCON file is invalid.</exception>
    /// <exception cref="FileNotFoundException">A HOCON file does not exist.</exception>
    /// <exception cref="BuquetConfigurationException">A buquet environment variable has an unusable value.</exception>
    public static IConfigurationRoot Build(
        IEnumerable<string>? hoconFiles = null,
        IDictionary? environment = null,
        IEnumerable<KeyValuePair<string, string?>>? commandLineOverrides = null)
    {
        var env = BuquetEnvironment.ToStrings(environment ?? Environment.GetEnvironmentVariables());
        string? Lookup(string name) => env.TryGetValue(name, out var v) ? v : null;

        var layers = new List<ConfigurationLayer> { FromHocon(DefaultsLayer, LoadReference(Lookup)) };
        var files = hoconFiles?.ToList() ?? [];
        if (files.Count == 0 && Lookup("BUQUET_CONFIG") is { Length: > 0 } configured)
        {
            files.Add(configured);
        }

        foreach (var file in files)
        {
            // Substitutions may refer to settings of lower layers, e.g. path = ${buquet.store.local.path}"/sub".
            var below = layers.ToList();
            string? Lower(string dotted)
            {
                var key = Canonicalize(dotted.Replace('.', ':'));
                return below.Select(l => l.Data.TryGetValue(key, out var v) ? v : null).LastOrDefault(v => v is not null);
            }

            var document = HoconSources.Load(new HoconConfigurationSource { Path = file, Environment = Lookup }, Lower)!;
            layers.Add(FromHocon($"file {Path.GetFullPath(file)}", document));
        }

        layers.Add(FromPairs(BuquetEnvironmentLayer, BuquetEnvironment.Map(env)));
        var overrides = env
            .Where(kv => kv.Key.StartsWith(OverridePrefix, StringComparison.OrdinalIgnoreCase) && kv.Key.Length > OverridePrefix.Length)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new KeyValuePair<string, string?>("buquet:" + kv.Key[OverridePrefix.Length..].Replace("__", ":", StringComparison.Ordinal), kv.Value));
        layers.Add(FromPairs(DotNetEnvironmentLayer, overrides));
        layers.Add(FromPairs(CommandLineLayer, commandLineOverrides ?? []));

        for (var upper = layers.Count - 1; upper > 0; upper--)
        {
            foreach (var list in layers[upper].ReplacedLists)
            {
                for (var lower = 0; lower < upper; lower++)
                {
                    var data = layers[lower].Data;
                    foreach (var key in data.Keys.Where(k => k.Equals(list, StringComparison.OrdinalIgnoreCase) || k.StartsWith(list + ":", StringComparison.OrdinalIgnoreCase)).ToList())
                    {
                        data.Remove(key);
                    }
                }
            }
        }

        var builder = new ConfigurationBuilder();
        foreach (var layer in layers)
        {
            builder.Add(new LayerConfigurationSource(layer.Name, layer.Data));
        }

        return builder.Build();
    }

    /// <summary>The embedded <c>reference.conf</c> text: every setting with its default and a comment.</summary>
    public static string ReferenceConf()
    {
        using var stream = typeof(BuquetConfiguration).Assembly.GetManifestResourceStream(ReferenceResource)
            ?? throw new InvalidOperationException($"embedded resource {ReferenceResource} is missing from {typeof(BuquetConfiguration).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static HoconFlatDocument LoadReference(Func<string, string?> env) =>
        HoconResolver.Load(ReferenceConf(), "reference.conf (embedded)", null, env);

    private static ConfigurationLayer FromHocon(string name, HoconFlatDocument document)
    {
        var layer = FromPairs(name, document.Data);
        foreach (var array in document.ArrayPaths)
        {
            layer.ReplacedLists.Add(Canonicalize(array));
        }

        return layer;
    }

    private static ConfigurationLayer FromPairs(string name, IEnumerable<KeyValuePair<string, string?>> pairs)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var lists = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in pairs)
        {
            var canonical = Canonicalize(key, out var listRoot);
            data[canonical] = value;
            if (listRoot is not null)
            {
                lists.Add(listRoot);
            }
        }

        return new ConfigurationLayer(name, data, lists);
    }

    internal static string Canonicalize(string key) => Canonicalize(key, out _);

    /// <summary>
    /// Rewrites the segments of a <c>buquet:…</c> key that name sections or settings to their kebab-case form and keeps
    /// the rest (map keys such as task types, list indexes) verbatim. Reports the list setting the key belongs to, if any.
    /// </summary>
    internal static string Canonicalize(string key, out string? listRoot)
    {
        listRoot = null;
        var segments = key.Split(':');
        if (!segments[0].Equals(BuquetOptions.SectionName, StringComparison.OrdinalIgnoreCase))
        {
            return key;
        }

        segments[0] = BuquetOptions.SectionName;
        var type = typeof(BuquetOptions);
        for (var i = 1; i < segments.Length; i++)
        {
            var property = BuquetOptionsBinder.Properties(type).FirstOrDefault(p => KebabCase.Normalize(p.Name) == KebabCase.Normalize(segments[i]));
            if (property is null)
            {
                break;
            }

            segments[i] = KebabCase.FromPascal(property.Name);
            if (!BuquetOptionsBinder.IsSection(property.PropertyType))
            {
                if (property.PropertyType == typeof(List<string>))
                {
                    listRoot = string.Join(':', segments[..(i + 1)]);
                }

                break;
            }

            type = property.PropertyType;
        }

        return string.Join(':', segments);
    }
}
