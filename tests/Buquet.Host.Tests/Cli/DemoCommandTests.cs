using System.Text.Json;
using Buquet.Actors.Storage;
using Buquet.Host.Cli;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_JsonOutput_EveryTaskAndTheDiamondWorkflowReachTheirExpectedStateOnDisk()
    {
        using var dir = new TempDirectory();

        var run = await InProcessCli.RunAsync(["demo", "--dir", dir.Path, "--json"], commands: [.. CliApp.OperatorCommands, DemoCommand.Create]);

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        var tasks = doc.RootElement.GetProperty("tasks").EnumerateArray().ToList();
        Assert.All(tasks, t => Assert.Equal(t.GetProperty("expected").GetString(), t.GetProperty("status").GetString()));
        Assert.Contains(tasks, t => t.GetProperty("status").GetString() == "failed");
        Assert.Contains(tasks, t => t.GetProperty("status").GetString() == "cancelled");
        Assert.Contains(tasks, t => t.GetProperty("reschedule_count").GetInt64() == 2);
        var workflow = doc.RootElement.GetProperty("workflow");
        Assert.Equal("buquet.samples.diamond", workflow.GetProperty("type").GetString());
        Assert.Equal("completed", workflow.GetProperty("status").GetString());
        Assert.Equal(["a", "b", "c", "d"], workflow.GetProperty("steps").EnumerateObject().Select(p => p.Name));
        Assert.All(workflow.GetProperty("steps").EnumerateObject(), p => Assert.Equal("completed", p.Value.GetString()));
        var database = doc.RootElement.GetProperty("database").GetString()!;
        Assert.Equal(Path.Combine(dir.Path, "buquet.db"), database);
        using var store = new SqliteObjectStore(new SqliteStoreOptions { Directory = dir.Path, CreateIfMissing = false });
        var keys = (await store.ListAsync(new ListRequest("tasks/"))).Objects.Select(o => o.Key);
        Assert.Contains(keys, k => k.Contains(tasks[0].GetProperty("id").GetString()!, StringComparison.Ordinal));
        Assert.NotNull(await store.GetAsync($"workflow/{workflow.GetProperty("id").GetString()}/steps/d.json"));
    }
}
