using Buquet.Actors.Client;
using Buquet.Actors.Tests.Architecture.Sample.Lower;

namespace Buquet.Actors.Tests.Architecture;

/// <summary>
/// Keeps the layering of src/Buquet.Actors: the rules are the "| Folder | May use |" table of docs/architecture.md,
/// checked against every type reference in the compiled assembly (metadata and IL).
/// </summary>
public sealed class LayeringTests
{
    private const string Root = "Buquet.Actors";
    private static readonly Lazy<TypeReferenceGraph> Graph =
        new(() => TypeReferenceGraph.Read(typeof(BuquetClient).Assembly.Location, Root));

    private static LayerRules Documented => LayerRules.FromMarkdown(File.ReadAllText(ArchitectureDoc()));

    [Fact]
    public void Assembly_EveryTypeReference_FollowsTheDocumentedDirection()
    {
        var violations = Documented.Violations(Graph.Value);

        Assert.True(violations.Count == 0, "References against docs/architecture.md (Layers):\n" + string.Join('\n', violations));
    }

    [Fact]
    public void DocumentedRules_FolderGraph_HasNoCycle()
    {
        var rules = Documented;
        var done = new HashSet<string>();
        var path = new List<string>();

        foreach (var folder in rules.Folders)
        {
            Visit(folder);
        }

        void Visit(string folder)
        {
            var cycleStart = path.IndexOf(folder);
            Assert.True(cycleStart < 0, "Layering rules have a cycle: " + string.Join(" -> ", path.Skip(cycleStart).Append(folder)));
            if (!done.Add(folder))
            {
                return;
            }

            path.Add(folder);
            foreach (var used in rules.MayUse(folder))
            {
                Visit(used);
            }

            path.RemoveAt(path.Count - 1);
        }
    }

    [Fact]
    public void DocumentedRules_EveryFolderOfTheAssembly_HasARow()
    {
        var folders = Graph.Value.Types.Select(t => LayerRules.FolderOf(Root, t)).ToHashSet();

        Assert.Equal(folders.Order(), Documented.Folders.Order());
    }

    [Fact]
    public void Assembly_NoNamespaceSegment_IsNamedLikeAType()
    {
        // ADR 0020: role folders are plural (Worker/Pollers), their protocol classes singular (Poller): no aliases needed.
        var typeNames = Graph.Value.Types.Select(t => t[(t.LastIndexOf('.') + 1)..].Split('`')[0]).ToHashSet(StringComparer.Ordinal);
        var clashes = Graph.Value.Types
            .Select(t => t[..t.LastIndexOf('.')])
            .Distinct()
            .Where(ns => ns.Split('.').Any(typeNames.Contains))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(clashes.Count == 0, "Namespaces with a segment named like a type: " + string.Join(", ", clashes));
    }

    [Fact]
    public void Violations_PermissionInUseTakenAway_NamesOffendingAndReferencedType()
    {
        var wrong = Documented.Without("Worker", "Protocol");

        var violations = wrong.Violations(Graph.Value);

        Assert.Contains(violations, v => v.StartsWith("Buquet.Actors.Worker.", StringComparison.Ordinal)
                                         && v.Contains(" -> Buquet.Actors.Protocol.", StringComparison.Ordinal)
                                         && v.EndsWith("(Worker/ may not use Protocol/)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(nameof(BodyOnly))]
    [InlineData(nameof(LambdaOnly))]
    [InlineData(nameof(GenericArgumentOnly))]
    [InlineData(nameof(AttributeOnly))]
    public void Violations_ReferenceHiddenInCode_IsFound(string offender)
    {
        const string sampleRoot = "Buquet.Actors.Tests.Architecture.Sample";
        var graph = TypeReferenceGraph.Read(typeof(LayeringTests).Assembly.Location, sampleRoot);
        var rules = new LayerRules(new Dictionary<string, IReadOnlySet<string>>
        {
            ["Lower"] = new HashSet<string>(),
            ["Upper"] = new HashSet<string> { "Lower" },
        });

        var violations = rules.Violations(graph);

        Assert.Contains($"{sampleRoot}.Lower.{offender} -> {sampleRoot}.Upper.Target (Lower/ may not use Upper/)", violations);
    }

    private static string ArchitectureDoc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "architecture.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/architecture.md not found above " + AppContext.BaseDirectory);
    }
}
