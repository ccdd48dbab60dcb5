using System.Text.RegularExpressions;
using Buquet.Actors.Tests.Configuration;

namespace Buquet.Actors.Tests.Docs;

/// <summary>
/// The repository explains itself (issue 19): every protocol section the code cites (§N.N) is a heading of
/// docs/protocol.md, and every ADR has one status line, with "Superseded by" and "Supersedes" naming each other.
/// </summary>
public sealed partial class RepositoryDocsTests
{
    private static readonly string Root = Directory.GetParent(RepositoryFiles.HoconDirectory)!.FullName;

    [Fact]
    public void ProtocolDoc_EverySectionCitedInSrc_IsAHeading()
    {
        var cited = Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Citation().Matches(File.ReadAllText(f)).Select(m => (Section: m.Groups[1].Value, File: Path.GetRelativePath(Root, f))))
            .ToList();

        var missing = MissingSections(cited, File.ReadAllText(Path.Combine(Root, "docs", "protocol.md")));

        Assert.NotEmpty(cited);
        Assert.True(missing.Count == 0, $"sections cited in src/ without a heading in docs/protocol.md: {string.Join(", ", missing)}");
    }

    [Fact]
    public void MissingSections_ACitationWithoutAHeading_IsNamedWithItsFile()
    {
        var missing = MissingSections([("3.5", "a.cs"), ("99.9", "b.cs")], "# Protocol\n### 3.5 Discovery\n## 99 Other\n");

        Assert.Equal(["§99.9 (b.cs)"], missing);
    }

    [Fact]
    public void Adrs_EveryRecord_HasOneStatusLineWithADateAndMutualSupersedeLinks()
    {
        var adrs = Directory.EnumerateFiles(Path.Combine(Root, "docs", "adr"), "*.md").ToDictionary(f => Path.GetFileName(f)[..4], File.ReadAllLines);
        var problems = new List<string>();
        foreach (var (number, lines) in adrs)
        {
            var status = lines.Where(l => l.StartsWith("Status:", StringComparison.Ordinal)).ToList();
            if (status.Count != 1 || !StatusLine().IsMatch(status[0]))
            {
                problems.Add($"ADR {number}: needs exactly one line 'Status: Accepted (YYYY-MM-DD, …)' or 'Status: Superseded (YYYY-MM-DD, …)'");
                continue;
            }

            var supersededBy = Links(lines, "Superseded by:");
            if (status[0].StartsWith("Status: Superseded", StringComparison.Ordinal) != (supersededBy.Count > 0))
            {
                problems.Add($"ADR {number}: a superseded record names its successor in a 'Superseded by: ADR NNNN' line, and only then");
            }

            problems.AddRange(supersededBy.Where(n => !adrs.TryGetValue(n, out var successor) || !Links(successor, "Supersedes:").Contains(number))
                .Select(n => $"ADR {number} is superseded by ADR {n}, which does not say 'Supersedes: ADR {number}'"));
            problems.AddRange(Links(lines, "Supersedes:").Where(n => !adrs.TryGetValue(n, out var old) || !Links(old, "Superseded by:").Contains(number))
                .Select(n => $"ADR {number} supersedes ADR {n}, which does not say 'Superseded by: ADR {number}'"));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static List<string> MissingSections(IEnumerable<(string Section, string File)> cited, string protocolDoc)
    {
        var headings = Heading().Matches(protocolDoc).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        return cited.Where(c => !headings.Contains(c.Section))
            .GroupBy(c => c.Section, StringComparer.Ordinal)
            .Select(g => $"§{g.Key} ({string.Join(", ", g.Select(c => c.File).Distinct())})")
            .ToList();
    }

    private static List<string> Links(string[] lines, string field) =>
        lines.Where(l => l.StartsWith(field, StringComparison.Ordinal)).SelectMany(l => AdrNumber().Matches(l).Select(m => m.Groups[1].Value)).ToList();

    [GeneratedRegex(@"§([0-9]+(?:\.[0-9]+)*)")]
    private static partial Regex Citation();

    [GeneratedRegex(@"^#{2,4} ([0-9]+(?:\.[0-9]+)*)[ .]", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^Status: (Accepted|Superseded) \([0-9]{4}-[0-9]{2}-[0-9]{2}[,)]")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"ADR ([0-9]{4})")]
    private static partial Regex AdrNumber();
}
