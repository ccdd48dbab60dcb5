using System.Collections;
using Buquet.Actors.Configuration;
using Buquet.Actors.Storage;
using Buquet.Host.Cli;

namespace Buquet.Host.Tests.Support;

/// <summary>Runs the CLI in this process with captured output (for seams a real process cannot reach, e.g. a broken store).</summary>
internal static class InProcessCli
{
    public static async Task<CliRun> RunAsync(string[] args, Func<BuquetOptions, CancellationToken, Task<IObjectStore>>? openStore = null, IEnumerable<CliCommandFactory>? commands = null, IDictionary? variables = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = stdout,
            Error = stderr,
            In = new StringReader(string.Empty),
            IsOutputRedirected = true,
            Variables = variables ?? new Hashtable(),
            OpenStore = openStore,
        };
        var exit = await new CliApp(commands ?? CliApp.OperatorCommands, environment).RunAsync(args).WaitAsync(TimeSpan.FromSeconds(30));
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }
}
