namespace Buquet.Actors.Tests.Architecture;

/// <summary>
/// Which top-level folders (namespaces) of an assembly may use which others. A folder always uses itself; a reference
/// to any folder not listed for it is a violation. The documented rules are the table in docs/architecture.md.
/// </summary>
public sealed class LayerRules
{
    private readonly IReadOnlyDictionary<string, IReadOnlySet<string>> _mayUse;

    public LayerRules(IReadOnlyDictionary<string, IReadOnlySet<string>> mayUse)
    {
        foreach (var (folder, used) in mayUse)
        {
            var unknown = used.Where(u => !mayUse.ContainsKey(u)).ToList();
            if (unknown.Count > 0)
            {
                throw new ArgumentException($"Folder '{folder}' may use unknown folder(s) {string.Join(", ", unknown)}.", nameof(mayUse));
            }
        }

        _mayUse = mayUse;
    }

    public IEnumerable<string> Folders => _mayUse.Keys;

    public IReadOnlySet<string> MayUse(string folder) => _mayUse[folder];

    /// <summary>The same rules with one permission taken away (tests of the test).</summary>
    public LayerRules Without(string folder, string used) =>
        new(_mayUse.ToDictionary(
            p => p.Key,
            p => p.Key == folder ? (IReadOnlySet<string>)p.Value.Where(u => u != used).ToHashSet() : p.Value));

    /// <summary>
    /// Every edge of the graph that leaves its folder for a folder it may not use, as
    /// <c>"Offending.Type -> Referenced.Type (From/ may not use To/)"</c>, plus every type in a folder without a rule.
    /// </summary>
    public IReadOnlyList<string> Violations(TypeReferenceGraph graph)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in graph.Types)
        {
            var folder = FolderOf(graph.RootNamespace, type);
            if (!_mayUse.ContainsKey(folder))
            {
                found.Add($"{type} lives in folder '{folder}/', which has no layering rule");
            }
        }

        foreach (var edge in graph.Edges)
        {
            var from = FolderOf(graph.RootNamespace, edge.From);
            var to = FolderOf(graph.RootNamespace, edge.To);
            if (from != to && _mayUse.TryGetValue(from, out var allowed) && !allowed.Contains(to))
            {
                found.Add($"{edge.From} -> {edge.To} ({from}/ may not use {to}/)");
            }
        }

        return [.. found];
    }

    /// <summary>The first namespace segment under the root: <c>Buquet.Actors.Worker.Pollers.X</c> → <c>Worker</c>.</summary>
    public static string FolderOf(string rootNamespace, string typeFullName)
    {
        var rest = typeFullName[(rootNamespace.Length + 1)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? string.Empty : rest[..dot];
    }

    /// <summary>
    /// Reads the rules from the Markdown table that follows the <c>| Folder | May use |</c> header: one row per folder,
    /// the second cell a comma-separated list of folders in backticks (<c>`Storage/`</c>) or <c>—</c> for none.
    /// </summary>
    public static LayerRules FromMarkdown(string markdown)
    {
        var lines = markdown.Split('\n').Select(l => l.Trim()).ToList();
        var header = lines.FindIndex(l => l.StartsWith("| Folder | May use |", StringComparison.Ordinal));
        if (header < 0)
        {
            throw new FormatException("No '| Folder | May use |' table found.");
        }

        var rules = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var row in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = row.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length < 2)
            {
                throw new FormatException($"Layering table row '{row}' has fewer than two cells.");
            }

            rules.Add(Folder(cells[0]), cells[1] == "—"
                ? new HashSet<string>()
                : cells[1].Split(',').Select(Folder).ToHashSet(StringComparer.Ordinal));
        }

        return new LayerRules(rules);
    }

    private static string Folder(string cell) => cell.Trim().Trim('`').TrimEnd('/');
}
