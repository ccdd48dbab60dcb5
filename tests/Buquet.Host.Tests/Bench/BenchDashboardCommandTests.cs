using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Bench;

public sealed class BenchDashboardCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task BenchDashboard_FortyTasks_ReportsRequestsOfEveryPhase()
    {
        var run = await new BuquetProcess(_dir.Path).RunAsync(
            "bench", "dashboard", "--tasks", "40", "--changed", "5", "--clients", "2", "--refreshes", "2", "--json", "--store", "local", "--local-path", _dir.StorePath);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal("dashboard", root.GetProperty("benchmark").GetString());
        Assert.Equal(40, root.GetProperty("tasks").GetInt32());
        var states = root.GetProperty("states");
        Assert.Equal(20, states.GetProperty("pending").GetInt32());
        Assert.Equal(4, states.GetProperty("running").GetInt32());
        Assert.Equal(12, states.GetProperty("completed").GetInt32());
        Assert.Equal(4, states.GetProperty("failed").GetInt32());
        Assert.Equal(59, root.GetProperty("cache").GetProperty("request_budget_per_refresh").GetInt32());

        // Cold: every task read once; unchanged: no GET at all; after 5 cancels: those 5 re-read.
        Assert.True(root.GetProperty("cold_load").GetProperty("requests").GetProperty("get").GetDouble() >= 40, root.ToString());
        Assert.Equal(0, root.GetProperty("refresh_unchanged").GetProperty("per_refresh").GetProperty("get").GetDouble());
        var changed = root.GetProperty("refresh_after_changes");
        Assert.Equal(5, changed.GetProperty("changed").GetInt32());
        Assert.True(changed.GetProperty("until_visible").GetProperty("get").GetDouble() >= 5, changed.ToString());
        Assert.True(changed.GetProperty("max_per_refresh").GetDouble() <= 59, changed.ToString());

        // Live clients: all got the new task, and streaming made no store request of its own.
        var sse = root.GetProperty("sse");
        Assert.Equal(2, sse.GetProperty("clients").GetInt32());
        Assert.Equal(2, sse.GetProperty("clients_updated").GetInt32());
        Assert.Equal(0, sse.GetProperty("requests_between_refreshes").GetProperty("total").GetDouble());
        Assert.Equal(
            sse.GetProperty("per_refresh_without_clients").GetProperty("list").GetDouble(),
            sse.GetProperty("per_refresh_with_clients").GetProperty("list").GetDouble());
    }

    [Fact]
    public async Task BenchDashboard_ChangedAboveHalf_RefusedNamingValue()
    {
        var run = await new BuquetProcess(_dir.Path).RunAsync("bench", "dashboard", "--tasks", "20", "--changed", "15", "--store", "local", "--local-path", _dir.StorePath);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--changed 15", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }
}
