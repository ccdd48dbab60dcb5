using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Configuration;

/// <summary>
/// Binds the <c>buquet</c> section onto <see cref="BuquetOptions"/>. Keys map to properties through
/// <see cref="KebabCase"/> (kebab-case, PascalCase and SNAKE_CASE all bind); durations and sizes are parsed with
/// <see cref="Durations"/> and <see cref="ByteSizes"/>; unknown keys are errors with a suggestion.
/// </summary>
internal static class BuquetOptionsBinder
{
    /// <summary>
    /// Settings that earlier versions accepted and that were removed because nothing read them (ADR 0021). A file or
    /// override that still sets one fails with this explanation instead of "unknown setting".
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> RemovedSettings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["buquet.worker.index-mode"] =
            "the worker always discovers tasks through the ready index (ready/) and the sweeper repairs lost ready keys; "
            + "a buquet peer's index mode needs nothing here (ADR 0021). Delete the line",
        ["buquet.worker.log-scan-page-size"] =
            "there is no log-scan discovery; the worker reads only the ready index, whose page is buquet.worker.ready-page-size (ADR 0021). Delete the line",
        ["buquet.worker.shard-leasing.shards-per-worker"] =
            "each worker holds a fair share of the shards (shards / live workers, from the worker registry), not a fixed number (ADR 0021). Delete the line",
        ["buquet.dashboard.enabled"] =
            "the dashboard is served by `buquet serve` (or DashboardServer in your application), never by a worker (ADR 0021). Delete the line",
    };

    public static void BindInto(IConfiguration configuration, BuquetOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        BindObject(configuration.GetSection(BuquetOptions.SectionName), options, BuquetOptions.SectionName, options.BindingErrors);
    }

    /// <summary>Every setting as a dotted HOCON path (lists and maps are single settings), in declaration order.</summary>
    public static IReadOnlyList<string> SettingPaths() => Settings().Select(s => s.Path).ToList();

    /// <summary>Every setting with its dotted HOCON path and property type, in declaration order.</summary>
    public static IReadOnlyList<(string Path, Type Type)> Settings()
    {
        var settings = new List<(string Path, Type Type)>();
        Collect(typeof(BuquetOptions), BuquetOptions.SectionName, settings);
        return settings;

        static void Collect(Type type, string prefix, List<(string Path, Type Type)> into)
        {
            foreach (var property in Properties(type))
            {
                var path = $"{prefix}.{KebabCase.FromPascal(property.Name)}";
                if (IsSection(property.PropertyType))
                {
                    Collect(property.PropertyType, path, into);
                }
                else
                {
                    into.Add((path, property.PropertyType));
                }
            }
        }
    }

    /// <summary>The settable properties of a section type.</summary>
    /// <remarks>
    /// Invariant: every section type reachable from <see cref="BuquetOptions"/> is named in a
    /// <see cref="DynamicDependencyAttribute"/> here, so a trimmed application keeps the properties this binder, the
    /// validator and <c>config show</c> find by reflection (ADR 0012). BuquetOptionsBinderTests checks the list.
    /// </remarks>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(BuquetOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(StoreOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(LocalStoreOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(S3StoreOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(QueueOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RetryPolicyOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(WorkerOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(PollingOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ShardLeasingOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(WorkerHealthOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(MonitorOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RetentionOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(SchedulerOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(WorkflowOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(WorkflowSweeperOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(DashboardOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(TelemetryOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ClockOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ClusterOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ClusterKubernetesOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ClusterTlsOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Section types are kept by the DynamicDependency attributes above.")]
    internal static PropertyInfo[] Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.CanRead).ToArray();

    internal static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(BuquetOptions).Namespace;

    private static void BindObject(IConfiguration section, object target, string path, List<string> errors)
    {
        var properties = Properties(target.GetType());
        foreach (var child in section.GetChildren())
        {
            var property = properties.FirstOrDefault(p => KebabCase.Normalize(p.Name) == KebabCase.Normalize(child.Key));
            if (property is null)
            {
                var removed = RemovedSettings.FirstOrDefault(r =>
                    r.Key.StartsWith(path + ".", StringComparison.Ordinal) && KebabCase.Normalize(r.Key[(path.Length + 1)..]) == KebabCase.Normalize(child.Key));
                errors.Add(removed.Key is null ? UnknownKey(path, child.Key, properties) : $"{removed.Key} was removed: {removed.Value}");
                continue;
            }

            var childPath = $"{path}.{KebabCase.FromPascal(property.Name)}";
            var type = property.PropertyType;
            if (IsSection(type))
            {
                if (child.Value is not null)
                {
                    errors.Add($"{childPath} is a section, not a value (got '{child.Value}'); write {childPath} {{ ... }}");
                    continue;
                }

                BindObject(child, property.GetValue(target)!, childPath, errors);
            }
            else if (type == typeof(List<string>))
            {
                property.SetValue(target, ReadList(child));
            }
            else if (type == typeof(Dictionary<string, int>))
            {
                property.SetValue(target, ReadMap(child, childPath, errors));
            }
            else if (child.Value is null)
            {
                if (child.GetChildren().Any())
                {
                    errors.Add($"{childPath} expects a single value but got an object or array");
                }
                else if (Nullable.GetUnderlyingType(type) is not null)
                {
                    property.SetValue(target, null);
                }
            }
            else if (TryConvert(child.Value, type, out var value, out var problem))
            {
                property.SetValue(target, value);
            }
            else
            {
                errors.Add($"{childPath} = '{child.Value}' is invalid: {problem}");
            }
        }
    }

    private static List<string> ReadList(IConfigurationSection section)
    {
        if (section.Value is not null)
        {
            return section.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }

        return section.GetChildren().Select(c => c.Value).Where(v => v is not null).Select(v => v!).ToList();
    }

    private static Dictionary<string, int> ReadMap(IConfigurationSection section, string path, List<string> errors)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in section.GetChildren())
        {
            if (int.TryParse(entry.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                map[entry.Key] = n;
            }
            else
            {
                errors.Add($"{path}.\"{entry.Key}\" = '{entry.Value}' is invalid: expected a whole number");
            }
        }

        return map;
    }

    internal static bool TryConvert(string text, Type type, out object? value, out string problem)
    {
        value = null;
        problem = string.Empty;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        var s = text.Trim();
        if (target != type && (s.Length == 0 || s.Equals("null", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        switch (target)
        {
            case not null when target == typeof(string):
                value = text;
                return true;
            case not null when target == typeof(int):
                if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
                {
                    value = i;
                    return true;
                }

                problem = "expected a whole number";
                return false;
            case not null when target == typeof(long):
                if (ByteSizes.TryParse(s, out long bytes, out problem))
                {
                    value = bytes;
                    return true;
                }

                return false;
            case not null when target == typeof(double):
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                {
                    value = d;
                    return true;
                }

                problem = "expected a number such as 0.25";
                return false;
            case not null when target == typeof(bool):
                if (TryParseBool(s, out var b))
                {
                    value = b;
                    return true;
                }

                problem = "expected true or false";
                return false;
            case not null when target == typeof(TimeSpan):
                if (Durations.TryParse(s, out TimeSpan span, out problem))
                {
                    value = span;
                    return true;
                }

                return false;
            case { IsEnum: true }:
                return TryParseEnum(s, target, out value, out problem);
            default:
                problem = $"unsupported setting type {type.Name}";
                return false;
        }
    }

    internal static bool TryParseBool(string s, out bool value)
    {
        switch (s.ToUpperInvariant())
        {
            case "TRUE" or "YES" or "ON" or "1":
                value = true;
                return true;
            case "FALSE" or "NO" or "OFF" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static bool TryParseEnum(string s, Type type, out object? value, out string problem)
    {
        value = null;
        problem = string.Empty;
        foreach (var name in Enum.GetNames(type))
        {
            if (KebabCase.Normalize(name) == KebabCase.Normalize(s))
            {
                value = Enum.Parse(type, name);
                return true;
            }
        }

        problem = $"expected one of {string.Join(", ", Enum.GetNames(type).Select(KebabCase.FromPascal))}";
        return false;
    }

    private static string UnknownKey(string path, string key, PropertyInfo[] properties)
    {
        var known = properties.Select(p => KebabCase.FromPascal(p.Name)).ToList();
        var guess = known.OrderBy(k => KebabCase.Distance(KebabCase.Normalize(k), KebabCase.Normalize(key))).FirstOrDefault();
        var hint = guess is not null && KebabCase.Distance(KebabCase.Normalize(guess), KebabCase.Normalize(key)) <= 3
            ? $"did you mean {path}.{guess}?"
            : $"known keys: {string.Join(", ", known)}";
        return $"unknown setting {path}.{key}: {hint}";
    }
}
