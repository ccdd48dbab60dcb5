using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary>End-to-end runs of the built executable against the local-directory store.</summary>
public sealed class WorkflowCommandTests : LocalCliTest
{
    [Fact]
    public async Task Start_SampleDiamond_StatusJsonHasStateFieldsAndListShowsIt()
    {
        var start = await Buquet.RunAsync("workflow", "start", "buquet.samples.diamond", "--id", "wf-cli", "-i", """{"order":7}""");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Contains("Workflow wf-cli (buquet.samples.diamond): running", start.Stdout);

        var status = await Buquet.RunAsync("workflow", "status", "wf-cli", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using var doc = JsonDocument.Parse(status.Stdout);
        Assert.Equal("wf-cli", doc.RootElement.GetProperty("id").GetString());
        Assert.Equal("sha256:f6000b3e411df2ef", doc.RootElement.GetProperty("definition_hash").GetString());
        Assert.Equal(7, doc.RootElement.GetProperty("data").GetProperty("order").GetInt32());
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("orchestrator_task_id").GetString()));

        var list = await Buquet.RunAsync("workflow", "list");
        Assert.Contains("wf-cli", list.Stdout);
    }

    [Fact]
    public async Task Status_UnknownWorkflow_ExitsOneWithSuggestion()
    {
        Dir.CreateEmptyStore();

        var run = await Buquet.RunAsync("workflow", "status", "wf-none");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: Workflow wf-none not found.", run.Stderr);
        Assert.Contains("buquet workflow list", run.Stderr);
    }

    [Fact]
    public async Task Start_UnknownTypeWithoutHash_ExitsOneAskingForTheHash()
    {
        var run = await Buquet.RunAsync("workflow", "start", "orders");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--definition-hash", run.Stderr);
    }

    [Fact]
    public async Task Cancel_StartedWorkflow_Cancelled()
    {
        await Buquet.RunAsync("workflow", "start", "buquet.samples.diamond", "--id", "wf-stop");

        var run = await Buquet.RunAsync("workflow", "cancel", "wf-stop", "-r", "not needed");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("cancelled", run.Stdout);
        Assert.Contains("Cancelled: not needed", run.Stdout);
    }
}
