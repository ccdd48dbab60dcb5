using System.CommandLine;
using Buquet.Host.Cli;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

public sealed class CliAppTests
{
    [Fact]
    public async Task Help_ListsEveryOperatorCommandWithDescriptions()
    {
        using var dir = new TempDirectory();

        var run = await new BuquetProcess(dir.Path).RunAsync("--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var name in new[] { "submit", "status", "history", "list", "tail", "cancel", "replay", "archive", "workers", "doctor", "config" })
        {
            Assert.Matches(@$"\n  {name}( <[a-z]+>)?\s+\S", run.Stdout);
        }

        Assert.Contains("--json", run.Stdout);
        Assert.Contains("--bucket <NAME>", run.Stdout);
    }

    [Fact]
    public async Task UnknownCommand_ExitsOneWithSuggestion()
    {
        using var dir = new TempDirectory();

        var run = await new BuquetProcess(dir.Path).RunAsync("frobnicate");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: Unrecognized command or argument 'frobnicate'", run.Stderr);
        Assert.Contains("Suggestion: Run 'buquet --help'", run.Stderr);
    }

    [Fact]
    public async Task NoArguments_PrintsHelpAndExitsOne()
    {
        var run = await InProcessCli.RunAsync([]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Usage:", run.Stdout);
    }

    [Fact]
    public async Task ExtraCommandFactory_IsRegisteredWithGlobalOptionsAndErrorHandling()
    {
        static Command Factory(CliHost host)
        {
            var command = new Command("ping", "Answers pong.");
            host.SetAction(command, (ctx, _) =>
            {
                ctx.Output.Line(ctx.Json ? "{\"pong\":true}" : "pong " + ctx.Options.Store.Kind);
                return Task.FromResult(ExitCodes.Ok);
            });
            return command;
        }

        var ok = await InProcessCli.RunAsync(["ping", "--store", "memory"], commands: [.. CliApp.OperatorCommands, Factory]);
        var bad = await InProcessCli.RunAsync(["ping", "--shard-prefix-len", "9"], commands: [.. CliApp.OperatorCommands, Factory]);

        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("pong Memory", ok.Stdout.Trim());
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Error: Invalid configuration:", bad.Stderr);
        Assert.Contains("shard-prefix-length", bad.Stderr);
    }
}
