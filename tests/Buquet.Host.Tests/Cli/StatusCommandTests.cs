using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary>End-to-end runs of the built executable against the local-directory store.</summary>
public sealed class StatusCommandTests : LocalCliTest
{
    [Fact]
    public async Task Status_ExistingTask_PrintsBuquetFields()
    {
        var id = await SubmitAsync("resize", "--delay", "1h");

        var run = await Buquet.RunAsync("status", id);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Task:        {id}", run.Stdout);
        Assert.Contains("Type:        resize", run.Stdout);
        Assert.Contains("Status:      Pending", run.Stdout);
        Assert.Contains("Retry Count: 0/3", run.Stdout);
        Assert.Matches(@"Available In: \d+s", run.Stdout);
    }

    [Fact]
    public async Task Status_UnknownId_ExitsOneWithSuggestion()
    {
        var id = Guid.NewGuid();
        Dir.CreateEmptyStore(); // an existing, empty store (status never creates one)

        var run = await Buquet.RunAsync("status", id.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Error: Task {id} not found.", run.Stderr);
        Assert.Contains("Suggestion: Check the id with 'buquet list'", run.Stderr);
    }

    [Fact]
    public async Task Status_NotAUuid_ExitsOneNamingTheValue()
    {
        var run = await Buquet.RunAsync("status", "nope-123");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'nope-123' is not a task id", run.Stderr);
    }
}
