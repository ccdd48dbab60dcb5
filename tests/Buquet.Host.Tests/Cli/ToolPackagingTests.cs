using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Buquet.Host.Tests.Cli;

/// <summary>The host packs as the <c>buquet</c> .NET tool, and the README installs exactly that package from the local build.</summary>
public sealed class ToolPackagingTests
{
    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Buquet.Actors.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"Buquet.Actors.sln not found above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void Pack_HostProject_IsTheBuquetToolTheReadmeInstalls()
    {
        var root = RepoRoot();
        var project = XDocument.Load(Path.Combine(root, "src/Buquet.Host/Buquet.Host.csproj"));
        string? Property(string name) => project.Descendants(name).SingleOrDefault()?.Value;

        Assert.Equal("true", Property("PackAsTool"));
        Assert.Equal("buquet", Property("ToolCommandName"));
        var packageId = Property("PackageId");
        Assert.False(string.IsNullOrEmpty(packageId));

        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var install = Regex.Match(readme, @"dotnet pack src/Buquet\.Host -o (\S+) && dotnet tool install --global --add-source (\S+) (\S+)");
        Assert.True(install.Success, "README must have the pack + tool install line");
        Assert.Equal(install.Groups[1].Value, install.Groups[2].Value);
        Assert.Equal(packageId, install.Groups[3].Value);

        // The two set-up commands stay as they are.
        Assert.Contains("dotnet run --project src/Buquet.Host -- demo", readme, StringComparison.Ordinal);
        Assert.Contains("bash scripts/test.sh", readme, StringComparison.Ordinal);
    }
}
