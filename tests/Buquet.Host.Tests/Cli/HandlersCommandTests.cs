using System.Text.Json;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

public sealed class HandlersCommandTests
{
    [Fact]
    public async Task Handlers_Json_ListsEveryBuiltInWithFieldsAndExample()
    {
        var run = await InProcessCli.RunAsync(["handlers", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var handlers = doc.RootElement.GetProperty("handlers").EnumerateArray().ToList();
        Assert.Equal(BuiltInHandlers.Catalog.Select(h => h.TaskType), handlers.Select(h => h.GetProperty("task_type").GetString()));
        var sleep = handlers.Single(h => h.GetProperty("task_type").GetString() == "buquet.sleep");
        Assert.Contains(sleep.GetProperty("fields").EnumerateArray(), f => f.GetProperty("name").GetString() == "ms");
        Assert.Equal(2000, sleep.GetProperty("example_input").GetProperty("ms").GetInt32());
    }

    [Fact]
    public async Task Handlers_Human_EveryExampleLineIsAValidSubmit()
    {
        var run = await InProcessCli.RunAsync(["handlers"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var examples = run.Stdout.Split('\n').Where(l => l.TrimStart().StartsWith("example: buquet submit", StringComparison.Ordinal)).ToList();
        Assert.Equal(BuiltInHandlers.Catalog.Count, examples.Count);
        foreach (var h in BuiltInHandlers.Catalog)
        {
            Assert.Contains(examples, l => l.Contains($"-t {h.TaskType} -i '{h.ExampleInput}'", StringComparison.Ordinal));
            var submit = await InProcessCli.RunAsync(["submit", "-t", h.TaskType, "-i", h.ExampleInput, "--store", "memory"]);
            Assert.True(submit.ExitCode == 0, submit.ToString());
        }
    }

    [Fact]
    public async Task SubmitHelp_Always_PointsToHandlersListing()
    {
        var run = await InProcessCli.RunAsync(["submit", "--help"]);

        Assert.Contains("buquet handlers", run.Stdout);
        Assert.Contains("buquet.sleep", run.Stdout);
    }
}
