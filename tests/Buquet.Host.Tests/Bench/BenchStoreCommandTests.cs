using System.Text.Json;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Bench;

public sealed class BenchStoreCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task BenchStore_LocalStoreFixedOps_ReportsEveryPhaseAndCleansUp()
    {
        var run = await new BuquetProcess(_dir.Path).RunAsync("bench", "store", "--ops", "40", "--concurrency", "4", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal("store", root.GetProperty("benchmark").GetString());
        var phases = root.GetProperty("phases").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(["create", "update", "get", "list", "delete"], phases.Keys);
        foreach (var name in new[] { "create", "update", "get", "list" })
        {
            Assert.InRange(phases[name].GetProperty("ops").GetInt64(), 40, 44);
            Assert.Equal(0, phases[name].GetProperty("precondition_failed").GetInt64());
            Assert.Equal(0, phases[name].GetProperty("errors").GetInt64());
        }

        // Every request of a phase is counted at the store layer, and only of its kind.
        Assert.Equal(phases["create"].GetProperty("ops").GetInt64(), phases["create"].GetProperty("requests_counted").GetProperty("put").GetInt64());
        Assert.Equal(phases["update"].GetProperty("ops").GetInt64(), phases["update"].GetProperty("requests_counted").GetProperty("total").GetInt64());
        Assert.Equal(phases["get"].GetProperty("ops").GetInt64(), phases["get"].GetProperty("requests_counted").GetProperty("get").GetInt64());
        Assert.Equal(phases["list"].GetProperty("ops").GetInt64(), phases["list"].GetProperty("requests_counted").GetProperty("list").GetInt64());
        Assert.Equal(phases["create"].GetProperty("ops").GetInt64(), phases["delete"].GetProperty("requests_counted").GetProperty("delete").GetInt64());
        Assert.True(root.GetProperty("ceiling").GetProperty("put_per_second").GetDouble() > 0);
        Assert.Equal(0.005m, root.GetProperty("prices").GetProperty("put_copy_post_list_per_1000").GetDecimal());
        var left = await new SqliteObjectStore(_dir.StorePath).ListAsync(new ListRequest("bench/"));
        Assert.Empty(left.Objects);
    }

    [Fact]
    public async Task BenchStore_OpsBelowConcurrency_ExitsOneNamingTheValue()
    {
        var run = await new BuquetProcess(_dir.Path).RunAsync("bench", "store", "--ops", "2", "--concurrency", "8");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--ops 2", run.Stderr);
    }

    [Fact]
    public async Task BenchCost_Json_StatesPricesAndBuquetIdleCost()
    {
        var run = await new BuquetProcess(_dir.Path).RunAsync("bench", "cost", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal(0.0004m, doc.RootElement.GetProperty("prices").GetProperty("get_head_per_1000").GetDecimal());
        var idle = doc.RootElement.GetProperty("buquet").GetProperty("code_derived_idle")[0];
        Assert.Equal(576, idle.GetProperty("requests_per_worker_minute").GetProperty("list").GetDouble());
        Assert.Equal(26.2m, doc.RootElement.GetProperty("buquet").GetProperty("code_derived_happy_path").GetProperty("dollars_per_million_tasks").GetDecimal());
    }
}
