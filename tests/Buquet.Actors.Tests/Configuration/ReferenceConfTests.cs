using System.Collections;
using System.Globalization;
using Buquet.Actors.Configuration;

namespace Buquet.Actors.Tests.Configuration;

/// <summary>Keeps HOCON/reference.conf and the options classes in sync: keys both ways, defaults, comments.</summary>
public sealed class ReferenceConfTests
{
    [Fact]
    public void ReferenceConf_EverySettingKey_HasAnOptionsProperty()
    {
        var missing = ReferenceLeafPaths().Where(p => !p.StartsWith("akka.", StringComparison.Ordinal)).Except(BuquetOptionsBinder.SettingPaths()).ToList();

        Assert.True(missing.Count == 0, $"reference.conf keys without a property: {string.Join(", ", missing)}");
    }

    [Fact]
    public void ReferenceConf_AkkaKeys_AreAkkaSettingsAndReachTheActorSystem()
    {
        var akkaKeys = ReferenceLeafPaths().Where(p => p.StartsWith("akka.", StringComparison.Ordinal)).ToList();
        var rendered = Buquet.Actors.Runtime.BuquetActorSystem.FromConfiguration(BuquetConfiguration.Build([], new Hashtable()));
        var akkaReference = Akka.Configuration.ConfigurationFactory.Default();

        Assert.NotEmpty(akkaKeys);
        foreach (var key in akkaKeys)
        {
            Assert.True(akkaReference.HasPath(key), $"{key} is not an Akka.NET setting");
            Assert.True(rendered.HasPath(key), $"{key} does not reach Akka");
        }

        Assert.Equal("INFO", rendered.GetString("akka.loglevel"));
        Assert.False(rendered.GetBoolean("akka.log-dead-letters-during-shutdown"));
    }

    [Fact]
    public void OptionsClasses_EveryProperty_HasAReferenceConfKey()
    {
        var missing = BuquetOptionsBinder.SettingPaths().Except(ReferenceLeafPaths()).ToList();

        Assert.True(missing.Count == 0, $"properties missing from reference.conf: {string.Join(", ", missing)}");
    }

    [Fact]
    public void ReferenceConf_Defaults_EqualTheOptionsClassDefaults()
    {
        var fromReference = Flatten(BuquetOptions.Bind(BuquetConfiguration.Build([], new Hashtable())));
        var fromClasses = Flatten(new BuquetOptions());

        Assert.Equal(fromClasses.Count, fromReference.Count);
        foreach (var (path, value) in fromClasses)
        {
            Assert.True(fromReference[path] == value, $"{path}: reference.conf gives '{fromReference[path]}' but BuquetDefaults gives '{value}'");
        }
    }

    [Fact]
    public void ReferenceConf_EverySetting_HasACommentOnTheLineAbove()
    {
        var lines = BuquetConfiguration.ReferenceConf().Split('\n');
        var uncommented = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#') || !(line.Contains(" = ", StringComparison.Ordinal) || line.EndsWith("{}", StringComparison.Ordinal)))
            {
                continue;
            }

            if (i == 0 || !lines[i - 1].TrimStart().StartsWith('#'))
            {
                uncommented.Add(line);
            }
        }

        Assert.True(uncommented.Count == 0, $"settings without a comment: {string.Join(" | ", uncommented)}");
    }

    [Fact]
    public void ReferenceConf_Embedded_MatchesTheFileInTheRepository()
    {
        var onDisk = File.ReadAllText(Path.Combine(RepositoryFiles.HoconDirectory, "reference.conf"));

        Assert.Equal(onDisk, BuquetConfiguration.ReferenceConf());
    }

    /// <summary>Leaf settings of reference.conf: scalars, arrays and empty objects (maps such as per-type-concurrency).</summary>
    private static List<string> ReferenceLeafPaths()
    {
        var root = HoconParser.Parse(BuquetConfiguration.ReferenceConf(), "reference.conf", null);
        var paths = new List<string>();
        Walk(root, null);
        return paths;

        void Walk(HoconNode node, string? path)
        {
            if (node is HoconObject obj && (obj.Fields.Count > 0 || path is null))
            {
                foreach (var (key, child) in obj.Fields)
                {
                    Walk(child, path is null ? key : $"{path}.{key}");
                }
            }
            else
            {
                paths.Add(path!);
            }
        }
    }

    private static Dictionary<string, string> Flatten(object options)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(options, "buquet");
        return result;

        void Walk(object target, string path)
        {
            foreach (var property in BuquetOptionsBinder.Properties(target.GetType()))
            {
                var value = property.GetValue(target);
                var key = $"{path}.{KebabCase.FromPascal(property.Name)}";
                if (BuquetOptionsBinder.IsSection(property.PropertyType))
                {
                    Walk(value!, key);
                }
                else
                {
                    result[key] = value switch
                    {
                        null => "null",
                        IDictionary<string, int> map => string.Join(",", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")),
                        IEnumerable<string> list => string.Join(",", list),
                        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                        _ => value.ToString() ?? string.Empty,
                    };
                }
            }
        }
    }
}

internal static class RepositoryFiles
{
    /// <summary>The repository's HOCON/ directory, found by walking up from the test binaries.</summary>
    public static string HoconDirectory { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "HOCON");
            if (File.Exists(Path.Combine(candidate, "reference.conf")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"no HOCON/reference.conf above {AppContext.BaseDirectory}");
    }
}
