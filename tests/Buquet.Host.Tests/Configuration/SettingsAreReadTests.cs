using System.Collections;
using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Buquet.Actors.Configuration;
using Buquet.Host.Cli;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Configuration;

/// <summary>
/// No documented setting or worker flag without an effect (issue 19, ADR 0021): every setting of HOCON/reference.conf
/// (parsed with the project's HOCON parser) binds, changes the options when changed, and has its property read by code
/// outside the configuration classes; every option of <c>buquet worker</c> changes the resulting settings.
/// </summary>
public sealed class SettingsAreReadTests
{
    /// <summary>Types that only bind, validate, describe or hold settings: reading a setting there proves no effect.</summary>
    private static readonly Type[] ConfigurationOnly = [typeof(BuquetOptionsBinder), typeof(BuquetOptionsValidator), typeof(BuquetConfiguration)];

    /// <summary>A value for each worker flag; a new flag without one fails the test below until it gets one.</summary>
    private static readonly Dictionary<string, string?> FlagSamples = new(StringComparer.Ordinal)
    {
        ["--id"] = "worker-sample", ["--concurrency"] = "3", ["--shards"] = "0,1", ["--cancel-check-interval"] = "3s",
        ["--no-monitor"] = null, ["--validate-input"] = null, ["--health-port"] = "9191", ["--store"] = "memory", ["--local-path"] = "./elsewhere",
        ["--bucket"] = "sample", ["--endpoint"] = "http://s3.example:9000", ["--region"] = "eu-west-3", ["--shard-prefix-len"] = "2",
        ["--cluster"] = null, ["--cluster-port"] = "4054", ["--cluster-public-hostname"] = "worker-1", ["--cluster-seed-nodes"] = "worker-1:4053,worker-2:4053",
        ["--cluster-discovery"] = "kubernetes-api", ["--cluster-required-contact-points"] = "3", ["--cluster-label-selector"] = "app=fleet",
    };

    /// <summary>Global options of <c>buquet worker</c> that are not settings, and why.</summary>
    private static readonly Dictionary<string, string> NotSettings = new(StringComparer.Ordinal)
    {
        ["--config"] = "names the files the settings come from",
        ["--json"] = "output format of the command",
    };

    [Fact]
    public void ReferenceConf_EverySetting_ChangesTheBoundOptionsWhenChanged()
    {
        var problems = BindingProblems(BuquetConfiguration.ReferenceConf());

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void BindingProblems_ReferenceWithAKeyNoPropertyBinds_NamesTheKey()
    {
        var problems = BindingProblems(BuquetConfiguration.ReferenceConf() + "\nbuquet.worker.not-a-setting = 1\n");

        var problem = Assert.Single(problems);
        Assert.StartsWith("buquet.worker.not-a-setting:", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceConf_EverySetting_IsReadOutsideTheConfigurationCode()
    {
        var settings = ReferenceLeafPaths(BuquetConfiguration.ReferenceConf()).Select(p => (p, Leaf(p)!)).ToList();

        var unread = UnreadSettings(settings, [typeof(BuquetOptions).Assembly, typeof(WorkerFlags).Assembly], IsConfigurationOnly);

        Assert.True(unread.Count == 0, $"settings in reference.conf that no code outside the configuration classes reads: {string.Join(", ", unread)}");
    }

    [Fact]
    public void UnreadSettings_APropertyNoCodeReads_IsNamed()
    {
        var settings = new[] { ("fake.read", typeof(FakeOptions).GetProperty(nameof(FakeOptions.Read))!), ("fake.unread", typeof(FakeOptions).GetProperty(nameof(FakeOptions.Unread))!) };

        var unread = UnreadSettings(settings, [typeof(FakeOptions).Assembly], _ => false);

        Assert.Equal(["fake.unread"], unread);
        Assert.Equal(1, ReadFake(new FakeOptions { Read = 1, Unread = 2 }));
    }

    [Fact]
    public void WorkerCommand_EveryOption_IsAMappedFlagOrANamedException()
    {
        var host = new CliHost(new GlobalOptions(), new CliEnvironment { Variables = new Hashtable() });
        var options = WorkerCommand.Create(host).Options.Concat(host.Globals.All).Select(o => o.Name).Where(n => !n.StartsWith("-h", StringComparison.Ordinal) && n != "--help");

        var unknown = options.Where(n => !FlagSamples.ContainsKey(n) && !NotSettings.ContainsKey(n)).ToList();

        Assert.True(unknown.Count == 0, $"buquet worker options with no sample value in this test: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void WorkerCommand_EveryFlag_ChangesTheResultingSettings()
    {
        var globals = new GlobalOptions();
        var flags = new WorkerFlags();

        var ineffective = IneffectiveFlags([.. flags.All, .. globals.All], p => Load(p, globals, flags));

        Assert.True(ineffective.Count == 0, $"buquet worker flags that change no setting: {string.Join(", ", ineffective)}");
    }

    [Fact]
    public void ServeCommand_EveryClusterFlag_IsOnTheCommandAndChangesTheResultingSettings()
    {
        var host = new CliHost(new GlobalOptions(), new CliEnvironment { Variables = new Hashtable() });
        var serve = ServeCommand.Create(host).Options.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var cluster = new ClusterFlags();

        var missing = cluster.All.Select(o => o.Name).Where(n => !serve.Contains(n)).ToList();
        var unsampled = serve.Where(n => n.StartsWith("--cluster", StringComparison.Ordinal) && !FlagSamples.ContainsKey(n)).ToList();
        var ineffective = IneffectiveFlags(cluster.All, p =>
        {
            Assert.Empty(p.Errors);
            return BuquetOptions.Bind(BuquetConfiguration.Build([], new Hashtable(), BuquetCommandLine.Map(cluster.Given(p))));
        });

        Assert.True(missing.Count == 0, $"cluster flags buquet serve lacks: {string.Join(", ", missing)}");
        Assert.True(unsampled.Count == 0, $"buquet serve cluster flags with no sample value in this test: {string.Join(", ", unsampled)}");
        Assert.True(ineffective.Count == 0, $"buquet serve cluster flags that change no setting: {string.Join(", ", ineffective)}");
    }

    [Fact]
    public void IneffectiveFlags_AFlagNothingMaps_IsNamed()
    {
        var globals = new GlobalOptions();
        var flags = new WorkerFlags();
        var unmapped = new Option<bool>("--unmapped");

        var ineffective = IneffectiveFlags([.. flags.All, unmapped], p => Load(p, globals, flags));

        Assert.Equal(["--unmapped"], ineffective);
    }

    /// <summary>The options that, given alone with their sample value, leave every setting at its default.</summary>
    private static List<string> IneffectiveFlags(IReadOnlyList<Option> options, Func<ParseResult, BuquetOptions> load)
    {
        var root = new RootCommand();
        foreach (var option in options)
        {
            root.Add(option);
        }

        var defaults = Flatten(load(root.Parse([])));
        var ineffective = new List<string>();
        foreach (var option in options.Where(o => !NotSettings.ContainsKey(o.Name)))
        {
            string[] args = FlagSamples.GetValueOrDefault(option.Name) is { } value ? [option.Name, value] : [option.Name];
            if (Flatten(load(root.Parse(args))).All(kv => defaults[kv.Key] == kv.Value))
            {
                ineffective.Add(option.Name);
            }
        }

        return ineffective;
    }

    private static BuquetOptions Load(ParseResult parse, GlobalOptions globals, WorkerFlags flags)
    {
        Assert.Empty(parse.Errors);
        return BuquetOptions.Bind(BuquetConfiguration.Build([], new Hashtable(), [.. globals.Overrides(parse), .. flags.Overrides(parse)]));
    }

    /// <summary>For every leaf under <c>buquet</c> of <paramref name="reference"/>: a changed value must bind and change the options.</summary>
    private static List<string> BindingProblems(string reference)
    {
        var defaults = new BuquetOptions();
        var problems = new List<string>();
        foreach (var path in ReferenceLeafPaths(reference))
        {
            var leaf = Leaf(path);
            var overrides = leaf is null
                ? [new($"{path.Replace('.', ':')}", "1")]
                : ChangedValue(path, leaf.PropertyType, Value(defaults, path));
            try
            {
                var bound = BuquetOptions.Bind(BuquetConfiguration.Build([], new Hashtable(), overrides));
                if (Value(bound, path) == Value(defaults, path))
                {
                    problems.Add($"{path}: setting it to {string.Join(", ", overrides.Select(o => o.Value))} leaves the options unchanged");
                }
            }
            catch (BuquetConfigurationException e)
            {
                problems.Add($"{path}: {string.Join("; ", e.Errors)}");
            }
        }

        return problems;
    }

    /// <summary>The settings whose property getter no method outside <paramref name="excluded"/> types calls.</summary>
    private static List<string> UnreadSettings(IEnumerable<(string Path, PropertyInfo Property)> settings, Assembly[] assemblies, Func<Type, bool> excluded)
    {
        var called = IlReaders.CalledMethods(assemblies, t => !excluded(Outermost(t)));
        return settings.Where(s => !called.Contains((s.Property.GetMethod!.Module, s.Property.GetMethod.MetadataToken))).Select(s => s.Path).ToList();
    }

    private static int ReadFake(FakeOptions options) => options.Read;

    private static Type Outermost(Type type) => type.DeclaringType is { } outer ? Outermost(outer) : type;

    private static bool IsConfigurationOnly(Type type) => ConfigurationOnly.Contains(type) || BuquetOptionsBinder.IsSection(type);

    private static List<KeyValuePair<string, string?>> ChangedValue(string path, Type type, string current)
    {
        var key = path.Replace('.', ':');
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        string changed = underlying switch
        {
            _ when type == typeof(Dictionary<string, int>) => "sample",
            _ when type == typeof(List<string>) => "sample-a,sample-b",
            _ when underlying == typeof(bool) => current == "True" ? "false" : "true",
            _ when underlying == typeof(TimeSpan) => ((long)TimeSpan.Parse(current, CultureInfo.InvariantCulture).TotalMilliseconds + 1000).ToString(CultureInfo.InvariantCulture) + "ms",
            _ when underlying == typeof(int) || underlying == typeof(long) => (current == "null" ? 7 : long.Parse(current, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture),
            _ when underlying == typeof(double) => (double.Parse(current, CultureInfo.InvariantCulture) + 0.125).ToString(CultureInfo.InvariantCulture),
            _ when underlying.IsEnum => KebabCase.FromPascal(Enum.GetNames(underlying).First(n => n != current)),
            _ => current + "-changed",
        };
        return type == typeof(Dictionary<string, int>) ? [new($"{key}:{changed}", "1")] : [new(key, changed)];
    }

    /// <summary>The property of a dotted setting path, or null when the options classes have none.</summary>
    private static PropertyInfo? Leaf(string path)
    {
        var type = typeof(BuquetOptions);
        PropertyInfo? property = null;
        foreach (var segment in path.Split('.').Skip(1))
        {
            property = type is null ? null : BuquetOptionsBinder.Properties(type).FirstOrDefault(p => KebabCase.FromPascal(p.Name) == segment);
            type = property?.PropertyType;
        }

        return property is not null && !BuquetOptionsBinder.IsSection(property.PropertyType) ? property : null;
    }

    /// <summary>A setting's value as invariant text (lists and maps joined), for comparison.</summary>
    private static string Value(BuquetOptions options, string path)
    {
        object? target = options;
        foreach (var segment in path.Split('.').Skip(1))
        {
            target = BuquetOptionsBinder.Properties(target!.GetType()).FirstOrDefault(p => KebabCase.FromPascal(p.Name) == segment)?.GetValue(target);
        }

        return target switch
        {
            null => "null",
            IDictionary<string, int> map => string.Join(",", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")),
            IEnumerable<string> list => string.Join(",", list),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => target.ToString() ?? string.Empty,
        };
    }

    private static Dictionary<string, string> Flatten(BuquetOptions options) =>
        BuquetOptionsBinder.SettingPaths().ToDictionary(p => p, p => Value(options, p), StringComparer.Ordinal);

    /// <summary>Leaf settings under <c>buquet</c>: scalars, arrays and empty objects (maps such as per-type-concurrency).</summary>
    private static List<string> ReferenceLeafPaths(string reference)
    {
        var paths = new List<string>();
        Walk(HoconParser.Parse(reference, "reference.conf", null).Fields["buquet"], "buquet");
        return paths;

        void Walk(HoconNode node, string path)
        {
            if (node is HoconObject { Fields.Count: > 0 } obj)
            {
                foreach (var (key, child) in obj.Fields)
                {
                    Walk(child, $"{path}.{key}");
                }
            }
            else
            {
                paths.Add(path);
            }
        }
    }

    private sealed class FakeOptions
    {
        public int Read { get; set; }

        public int Unread { get; set; }
    }
}
