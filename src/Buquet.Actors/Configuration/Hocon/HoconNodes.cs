namespace Buquet.Actors.Configuration;

/// <summary>Where a node was read, for error messages.</summary>
internal readonly record struct HoconPosition(string Source, int Line, int Column)
{
    public HoconParseException Error(string reason) => new(reason, Source, Line, Column);
}

internal abstract class HoconNode(HoconPosition position)
{
    public HoconPosition Position { get; } = position;
}

internal sealed class HoconObject(HoconPosition position) : HoconNode(position)
{
    /// <summary>Fields in insertion order; keys compare case-insensitively like Microsoft.Extensions.Configuration.</summary>
    public OrderedDictionary<string, HoconNode> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);
}

internal sealed class HoconArray(HoconPosition position) : HoconNode(position)
{
    public List<HoconNode> Items { get; } = [];
}

/// <summary>A string, number, boolean or null (<see cref="Value"/> is null for HOCON <c>null</c>).</summary>
internal sealed class HoconScalar(HoconPosition position, string? value) : HoconNode(position)
{
    public string? Value { get; } = value;
}

/// <summary><c>${path}</c> or <c>${?path}</c>.</summary>
internal sealed class HoconSubstitution(HoconPosition position, IReadOnlyList<string> path, bool optional) : HoconNode(position)
{
    public IReadOnlyList<string> Path { get; } = path;

    public bool Optional { get; } = optional;

    public string PathText => string.Join('.', Path);
}

/// <summary>Adjacent values on one line, e.g. <c>"http://"${host}":9000"</c>; resolves to one string.</summary>
internal sealed class HoconConcatenation(HoconPosition position, IReadOnlyList<HoconNode> parts) : HoconNode(position)
{
    public IReadOnlyList<HoconNode> Parts { get; } = parts;
}

/// <summary>
/// A field value that needs substitution. <see cref="Previous"/> is the value the field had before this assignment:
/// it is kept when an optional substitution is undefined, and it is what a self-reference (<c>a = ${a}"x"</c>) sees.
/// </summary>
internal sealed class HoconDeferred(HoconNode value, HoconNode? previous) : HoconNode(value.Position)
{
    public HoconNode Value { get; } = value;

    public HoconNode? Previous { get; set; } = previous;
}
