using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary>Builds a command.</summary>
/// <param name="host">Global options, the environment and <see cref="CliHost.SetAction"/> (error handling and exit codes).</param>
internal delegate Command CliCommandFactory(CliHost host);

/// <summary>
/// The <c>buquet</c> command line: a root command with the global options plus one command per factory. Add a command
/// with one line in Program.cs: <c>new CliApp([.. CliApp.OperatorCommands, WorkerCommand.Create])</c>.
/// </summary>
internal sealed class CliApp
{
    private readonly IReadOnlyList<CliCommandFactory> _factories;
    private readonly CliEnvironment _environment;

    public CliApp(IEnumerable<CliCommandFactory> commands, CliEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(commands);
        _factories = [.. commands];
        _environment = environment ?? new CliEnvironment();
    }

    /// <summary>The operator commands, in help order.</summary>
    public static IReadOnlyList<CliCommandFactory> OperatorCommands { get; } =
    [
        SubmitCommand.Create,
        StatusCommand.Create,
        HistoryCommand.Create,
        ListCommand.Create,
        TailCommand.Create,
        CancelCommand.Create,
        ReplayCommand.Create,
        ArchiveCommand.Create,
        WorkersCommand.Create,
        PurgeCommand.Create,
        DoctorCommand.Create,
        LifecycleCommand.Create,
        ConfigCommand.Create,
        HandlersCommand.Create,
        WorkflowCommand.Create,
    ];

    /// <summary>How long a command may take to stop after SIGINT/SIGTERM before the process exits anyway.</summary>
    public TimeSpan ProcessTerminationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public RootCommand BuildRoot()
    {
        var host = new CliHost(new GlobalOptions(), _environment);
        var root = new RootCommand(
            "buquet: a distributed task queue whose only infrastructure is one S3-compatible bucket. " +
            "Submit and inspect tasks, operate the queue and check the store. Docs: docs/cli.md.");
        foreach (var option in host.Globals.All)
        {
            root.Options.Add(option);
        }

        foreach (var factory in _factories)
        {
            root.Subcommands.Add(factory(host));
        }

        return root;
    }

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        var root = BuildRoot();
        if (args.Count == 0)
        {
            await root.Parse(["--help"]).InvokeAsync(new InvocationConfiguration { Output = _environment.Out, Error = _environment.Error }, cancellationToken).ConfigureAwait(false);
            return ExitCodes.UserError;
        }

        // No response files: '@file' is buquet's syntax for "read this value from a file" (submit -i @input.json).
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var invocation = new InvocationConfiguration
        {
            Output = _environment.Out,
            Error = _environment.Error,
            ProcessTerminationTimeout = ProcessTerminationTimeout,
            EnableDefaultExceptionHandler = false,
        };
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction or null)
        {
            var json = args.Contains("--json", StringComparer.Ordinal);
            var output = new CliOutput(_environment, json);
            var command = string.Join(' ', parse.CommandResult.Command is RootCommand ? [] : CommandPath(parse.CommandResult.Command));
            var help = command.Length == 0 ? "buquet --help" : $"buquet {command} --help";
            output.Error(string.Join(" ", parse.Errors.Select(e => e.Message).Where(m => parse.Errors.Count == 1 || !m.StartsWith("Required command", StringComparison.Ordinal))), $"Run '{help}' for the commands and options.", ExitCodes.UserError);
            return ExitCodes.UserError;
        }

        if (parse.Action is HelpAction help2)
        {
            help2.MaxWidth = Math.Max(100, help2.MaxWidth);
        }

        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c and not RootCommand; s = s.Parents.FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return names;
    }
}
