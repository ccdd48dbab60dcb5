using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary>Read-only commands never create a store: a missing local directory is a clear error and stays missing.</summary>
public sealed class ReadOnlyCommandTests : LocalCliTest
{
    [Theory]
    [InlineData("list")]
    [InlineData("status", "00000000-0000-4000-8000-000000000001")]
    [InlineData("history", "00000000-0000-4000-8000-000000000001")]
    [InlineData("workers")]
    [InlineData("schedule", "list")]
    [InlineData("schedule", "show", "nightly")]
    public async Task ReadOnlyCommand_MissingLocalPath_ExitsTwoAndCreatesNothing(params string[] command)
    {
        var typo = Path.Combine(Dir.Path, "typo", "store");

        var run = await Buquet.RunAsync([.. command, "--local-path", typo]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"Error: The local store directory '{typo}' does not exist", run.Stderr);
        Assert.Contains("Suggestion: Check --local-path", run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(Dir.Path, "typo")), "a read-only command must not create the store");
    }

    [Fact]
    public async Task Status_DirectoryWithoutStore_ExitsTwoPointingAtLocalPathAndCreatesNothing()
    {
        var empty = Path.Combine(Dir.Path, "empty");
        Directory.CreateDirectory(empty);

        var run = await Buquet.RunAsync("status", "00000000-0000-4000-8000-000000000001", "--local-path", empty);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"No local store at '{empty}'", run.Stderr);
        Assert.Contains("Suggestion: Check --local-path", run.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
    }

    [Fact]
    public async Task Doctor_MissingLocalPath_FailsTheCheckAndCreatesNothing()
    {
        var typo = Path.Combine(Dir.Path, "typo");

        var run = await Buquet.RunAsync("doctor", "--local-path", typo);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(typo + " does not exist; nothing was created", run.Stdout + run.Stderr);
        Assert.False(Directory.Exists(typo));
    }

    [Fact]
    public async Task Submit_MissingLocalPath_CreatesTheStore()
    {
        var fresh = Path.Combine(Dir.Path, "fresh");

        var run = await Buquet.RunAsync("submit", "-t", "x", "--local-path", fresh);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(Directory.Exists(fresh));
    }
}
