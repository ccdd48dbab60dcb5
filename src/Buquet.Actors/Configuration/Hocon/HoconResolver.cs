using System.Globalization;

namespace Buquet.Actors.Configuration;

/// <summary>A HOCON document flattened to Microsoft.Extensions.Configuration keys (<c>a:b:0</c>).</summary>
/// <param name="Data">Key → value; HOCON <c>null</c> is a null value.</param>
/// <param name="ArrayPaths">Keys that hold an array (including empty ones), so a higher layer's array replaces a lower one's.</param>
internal sealed record HoconFlatDocument(IReadOnlyDictionary<string, string?> Data, IReadOnlyList<string> ArrayPaths);

/// <summary>Resolves substitutions against the document root (falling back to the environment) and flattens the tree.</summary>
internal sealed class HoconResolver
{
    private readonly HoconObject _root;
    private readonly Func<string, string?> _environment;
    private readonly Func<string, string?>? _fallback;
    private readonly HashSet<HoconDeferred> _resolving = [];
    private readonly Dictionary<HoconDeferred, HoconNode?> _resolved = [];

    private HoconResolver(HoconObject root, Func<string, string?> environment, Func<string, string?>? fallback)
    {
        _root = root;
        _environment = environment;
        _fallback = fallback;
    }

    /// <summary>Parses, resolves and flattens a document.</summary>
    /// <param name="text">The HOCON text.</param>
    /// <param name="sourceName">Name for error messages.</param>
    /// <param name="baseDirectory">Directory for relative includes.</param>
    /// <param name="environment">Environment lookup for substitutions; the process environment when null.</param>
    /// <param name="fallback">Lower configuration layers, by dotted path, consulted for a substitution before the environment.</param>
    public static HoconFlatDocument Load(string text, string sourceName, string? baseDirectory, Func<string, string?>? environment, Func<string, string?>? fallback = null)
    {
        var root = HoconParser.Parse(text, sourceName, baseDirectory);
        var resolver = new HoconResolver(root, environment ?? Environment.GetEnvironmentVariable, fallback);
        resolver.ResolveObject(root);
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var arrays = new List<string>();
        Flatten(root, null, data, arrays);
        return new HoconFlatDocument(data, arrays);
    }

    private void ResolveObject(HoconObject obj)
    {
        foreach (var key in obj.Fields.Keys.ToList())
        {
            var resolved = Resolve(obj.Fields[key]);
            if (resolved is null)
            {
                obj.Fields.Remove(key);
            }
            else
            {
                obj.Fields[key] = resolved;
            }
        }
    }

    /// <summary>Returns the resolved node, or null when an optional substitution left the field undefined.</summary>
    private HoconNode? Resolve(HoconNode node)
    {
        switch (node)
        {
            case HoconObject obj:
                ResolveObject(obj);
                return obj;
            case HoconArray array:
                var items = array.Items.Select(Resolve).Where(i => i is not null).Select(i => i!).ToList();
                array.Items.Clear();
                array.Items.AddRange(items);
                return array;
            case HoconDeferred deferred:
                return ResolveDeferred(deferred);
            case HoconSubstitution substitution:
                return Lookup(substitution);
            case HoconConcatenation concatenation:
                return Concatenate(concatenation);
            default:
                return node;
        }
    }

    private HoconNode? ResolveDeferred(HoconDeferred deferred)
    {
        if (_resolved.TryGetValue(deferred, out var done))
        {
            return done;
        }

        if (!_resolving.Add(deferred))
        {
            // A self-reference (a = ${a}"x") sees the value the field had before this assignment.
            return deferred.Previous is null
                ? throw deferred.Position.Error("substitution cycle: the value refers to itself and has no earlier value")
                : Resolve(deferred.Previous);
        }

        var result = Resolve(deferred.Value) ?? (deferred.Previous is null ? null : Resolve(deferred.Previous));
        _resolving.Remove(deferred);
        _resolved[deferred] = result;
        return result;
    }

    private HoconNode? Lookup(HoconSubstitution substitution)
    {
        HoconNode? node = _root;
        foreach (var segment in substitution.Path)
        {
            if (node is HoconDeferred deferred)
            {
                node = IsSelfReferenceWithoutEarlierValue(deferred) ? null : ResolveDeferred(deferred);
            }

            node = node is HoconObject obj && obj.Fields.TryGetValue(segment, out var child) ? child : null;
            if (node is null)
            {
                break;
            }
        }

        if (node is HoconDeferred last && IsSelfReferenceWithoutEarlierValue(last))
        {
            node = null; // a = ${a}"x" with no earlier a in this document: look in lower layers and the environment
        }

        if (node is not null)
        {
            var resolved = Resolve(node);
            if (resolved is not null)
            {
                return resolved;
            }
        }

        var env = _fallback?.Invoke(substitution.PathText) ?? _environment(substitution.PathText);
        if (env is not null)
        {
            return new HoconScalar(substitution.Position, env);
        }

        return substitution.Optional
            ? null
            : throw substitution.Position.Error(
                $"could not resolve substitution ${{{substitution.PathText}}}: it is neither a setting in this document (or a lower layer) nor an environment variable (use ${{?{substitution.PathText}}} if it is optional)");
    }

    private bool IsSelfReferenceWithoutEarlierValue(HoconDeferred deferred) =>
        deferred.Previous is null && _resolving.Contains(deferred);

    private HoconScalar Concatenate(HoconConcatenation concatenation)
    {
        var text = new System.Text.StringBuilder();
        foreach (var part in concatenation.Parts)
        {
            var resolved = Resolve(part);
            switch (resolved)
            {
                case null:
                    break; // an undefined optional substitution is an empty string inside a concatenation
                case HoconScalar scalar:
                    text.Append(scalar.Value);
                    break;
                default:
                    throw part.Position.Error("a substitution inside a string concatenation refers to an object or array");
            }
        }

        return new HoconScalar(concatenation.Position, text.ToString());
    }

    private static void Flatten(HoconNode node, string? prefix, Dictionary<string, string?> data, List<string> arrays)
    {
        switch (node)
        {
            case HoconObject obj:
                foreach (var (key, value) in obj.Fields)
                {
                    Flatten(value, prefix is null ? key : $"{prefix}:{key}", data, arrays);
                }

                break;
            case HoconArray array:
                arrays.Add(prefix!);
                for (var i = 0; i < array.Items.Count; i++)
                {
                    Flatten(array.Items[i], $"{prefix}:{i.ToString(CultureInfo.InvariantCulture)}", data, arrays);
                }

                break;
            case HoconScalar scalar:
                data[prefix!] = scalar.Value;
                break;
            default:
                throw node.Position.Error("internal error: unresolved value");
        }
    }
}
