using System.Text.Json;
using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

public sealed class DoctorCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Doctor_LocalStore_PassesEveryCheckAndCleansUp()
    {
        _dir.CreateEmptyStore(); // doctor checks an existing store and never creates one
        var run = await new BuquetProcess(_dir.Path).RunAsync("doctor", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        var checks = doc.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("ok", checks["create-only write"]);
        Assert.Equal("ok", checks["compare-and-swap write"]);
        Assert.Equal("ok", checks["16 racing creates"]);
        using var store = new SqliteObjectStore(_dir.StorePath);
        var page = await store.ListAsync(new ListRequest(".doctor-test/"));
        Assert.Empty(page.Objects);
    }

    [Fact]
    public async Task Doctor_StoreIgnoringConditionalWrites_IsRefusedWithExitTwo()
    {
        var broken = new BrokenConditionalStore(new InMemoryObjectStore());

        var run = await InProcessCli.RunAsync(["doctor", "--store", "memory"], (_, _) => Task.FromResult<IObjectStore>(broken));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("✗ create-only write: a second create-only PUT of the same key was accepted", run.Stdout);
        Assert.Contains("✗ compare-and-swap write: If-Match with a stale ETag was accepted", run.Stdout);
        Assert.Contains("✗ 16 racing creates: 16 of 16 concurrent create-only PUTs", run.Stdout);
        Assert.Contains("REFUSED", run.Stdout);
        Assert.DoesNotContain("All checks passed", run.Stdout);
        Assert.Contains("Suggestion: ", run.Stderr);
    }

    [Fact]
    public async Task Doctor_ConformingStore_InProcess_ExitsZero()
    {
        var run = await InProcessCli.RunAsync(["doctor", "--store", "memory"], (_, _) => Task.FromResult<IObjectStore>(new InMemoryObjectStore()));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("All checks passed!", run.Stdout);
    }

    [Fact]
    public async Task Doctor_BadConfiguration_ExitsOne()
    {
        var run = await new BuquetProcess(_dir.Path, new Dictionary<string, string> { ["BUQUET__QUEUE__SHARD_PREFIX_LENGTH"] = "9" }).RunAsync("doctor");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("✗ configuration:", run.Stdout);
        Assert.Contains("shard-prefix-length", run.Stdout);
    }
}
