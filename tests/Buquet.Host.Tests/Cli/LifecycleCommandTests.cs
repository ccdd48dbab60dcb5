using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary><c>buquet lifecycle</c> and the doctor's lifecycle check against moto.</summary>
public sealed class LifecycleCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    [Trait("Backend", "moto")]
    public async Task Lifecycle_NewBucketThenApply_MissingThenPresentAndDoctorQuiet()
    {
        var bucket = await Moto.CreateBucketAsync();
        var buquet = new BuquetProcess(_dir.Path, Moto.Environment(bucket));

        var doctorBefore = await buquet.RunAsync("doctor");
        var before = await buquet.RunAsync("lifecycle");
        var apply = await buquet.RunAsync("lifecycle", "--apply", "--task-history-days", "14", "--json");
        var doctorAfter = await buquet.RunAsync("doctor");

        Assert.True(doctorBefore.ExitCode == 0, doctorBefore.ToString()); // a warning, not a failure
        Assert.Contains("⚠ lifecycle rules: missing for ready/, leases/, clock/", doctorBefore.Stdout);
        Assert.Equal(2, before.ExitCode);
        Assert.Contains("missing  buquet-ready", before.Stdout);
        Assert.Contains("buquet lifecycle --apply", before.Stderr);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        using (var doc = JsonDocument.Parse(apply.Stdout))
        {
            Assert.True(doc.RootElement.GetProperty("applied").GetBoolean());
            var rules = doc.RootElement.GetProperty("rules").EnumerateArray().ToList();
            Assert.All(rules, r => Assert.True(r.GetProperty("present").GetBoolean()));
            Assert.Equal(14, rules.Single(r => r.GetProperty("prefix").GetString() == "tasks/").GetProperty("noncurrent_days").GetInt32());
        }

        Assert.Contains("✓ lifecycle rules", doctorAfter.Stdout);
    }

    [Fact]
    public async Task Lifecycle_LocalStore_ExitsOneNamingS3()
    {
        var run = await new BuquetProcess(_dir.Path).RunAsync("lifecycle");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not S3", run.Stderr);
    }
}
