using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Bench;

public sealed class BenchQueueCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Bench_FiftyEchoTasksOneWorkerProcess_EveryTaskCompletesAndReportHasItsShape()
    {
        using var process = new BuquetProcess(_dir.Path).Start(
            ["bench", "--workers", "1", "--concurrency", "8", "--tasks", "50", "--ceiling-duration", "0", "--json", "--work-dir", Path.Combine(_dir.Path, "work")]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var run = new CliRun(process.ExitCode, await stdout, await stderr);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal("queue", root.GetProperty("benchmark").GetString());
        var result = root.GetProperty("run");
        var tasks = result.GetProperty("tasks");
        Assert.Equal(50, tasks.GetProperty("submitted").GetInt32());
        Assert.Equal(50, tasks.GetProperty("completed").GetInt32());
        Assert.Equal(0, tasks.GetProperty("unfinished").GetInt32());
        Assert.True(result.GetProperty("throughput_tasks_per_second").GetDouble() > 0);
        foreach (var name in new[] { "submit", "pickup", "end_to_end" })
        {
            var latency = result.GetProperty("latency_ms").GetProperty(name);
            Assert.Equal(50, latency.GetProperty("count").GetInt32());
            Assert.True(latency.GetProperty("p99").GetDouble() >= latency.GetProperty("p50").GetDouble());
        }

        // The producer's and the worker process's requests were counted: every task was written, claimed and completed.
        var perTask = result.GetProperty("requests").GetProperty("per_completed_task");
        Assert.True(perTask.GetProperty("put").GetDouble() >= 3, perTask.ToString());
        Assert.True(result.GetProperty("requests").GetProperty("workers").GetProperty("put").GetDouble() >= 100);
        Assert.True(result.GetProperty("dollars_per_million_tasks").GetDouble() > 0);
        var worker = Assert.Single(result.GetProperty("workers").EnumerateArray());
        Assert.True(worker.GetProperty("rss_mb").GetDouble() > 0);
        var cpuPerTask = result.GetProperty("worker_cpu_ms_per_completed_task").GetDouble();
        Assert.True(cpuPerTask > 0, "a worker that completed 50 tasks used CPU");
        Assert.Equal(worker.GetProperty("cpu_seconds").GetDouble() * 1000 / 50, cpuPerTask, 0.5);
        Assert.True(root.GetProperty("buquet").GetProperty("code_derived_happy_path").GetProperty("dollars_per_million_tasks").GetDouble() > 0);
    }

    [Fact]
    public async Task Bench_WithHistory_HistoryWrittenBeforeTheRunAndReported()
    {
        using var process = new BuquetProcess(_dir.Path).Start(
            ["bench", "--workers", "1", "--concurrency", "8", "--tasks", "20", "--history", "30", "--ceiling-duration", "0", "--json", "--work-dir", Path.Combine(_dir.Path, "work")]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var run = new CliRun(process.ExitCode, await stdout, await stderr);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        var history = root.GetProperty("history");
        Assert.Equal(30, history.GetProperty("tasks").GetInt32());
        Assert.True(history.GetProperty("tasks_per_second").GetDouble() > 0);
        Assert.Equal(30, root.GetProperty("settings").GetProperty("history").GetInt32());
        var tasks = root.GetProperty("run").GetProperty("tasks");
        Assert.Equal(20, tasks.GetProperty("completed").GetInt32());
        Assert.Equal(0, tasks.GetProperty("unfinished").GetInt32());
        Assert.Contains("History written in", run.Stderr, StringComparison.Ordinal);
    }
}
