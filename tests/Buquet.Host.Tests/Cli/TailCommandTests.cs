using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

public sealed class TailCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly BuquetProcess _buquet;

    public TailCommandTests() => _buquet = new BuquetProcess(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Tail_Once_EmitsOneJsonLinePerTask()
    {
        var submit = await _buquet.RunAsync("submit", "-t", "thumbnail", "--json");
        using var task = JsonDocument.Parse(submit.Stdout);
        var id = task.RootElement.GetProperty("id").GetString()!;

        var run = await _buquet.RunAsync("tail", "--once", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var line = Assert.Single(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var evt = JsonDocument.Parse(line);
        Assert.Equal(id[..8], evt.RootElement.GetProperty("task_id").GetString());
        Assert.Equal(id, evt.RootElement.GetProperty("id").GetString());
        Assert.Equal("thumbnail", evt.RootElement.GetProperty("task_type").GetString());
        Assert.Equal("pending", evt.RootElement.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, evt.RootElement.GetProperty("timestamp").ValueKind);
    }

    [Fact]
    public async Task Tail_Follow_StreamsNewTaskAndStopsOnCtrlC()
    {
        _dir.CreateEmptyStore(); // tail reads an existing store and never creates one
        using var process = _buquet.Start(["tail", "--interval", "100"]);
        var submit = await _buquet.RunAsync("submit", "-t", "streamed", "--json");
        using var task = JsonDocument.Parse(submit.Stdout);
        var shortId = task.RootElement.GetProperty("id").GetString()![..8];

        var stderr = process.StandardError.ReadToEndAsync();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await BuquetProcess.InterruptAsync(process);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(line is not null, $"tail ended without a line: exit {process.ExitCode}; stderr: {await stderr}");
        Assert.Matches(@$"^\[\d\d:\d\d:\d\d\] {shortId} streamed\s+Pending", line);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}; stderr: {await stderr}");
    }

    [Fact]
    public async Task Tail_BadInterval_ExitsOne()
    {
        var run = await _buquet.RunAsync("tail", "--interval", "often");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--interval 'often' is not an interval", run.Stderr);
    }
}
