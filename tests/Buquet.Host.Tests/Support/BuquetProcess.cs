using System.Diagnostics;
using System.Text;

namespace Buquet.Host.Tests.Support;

/// <summary>Result of one run of the built <c>buquet</c> executable.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs the built <c>buquet.dll</c> (copied next to this test assembly by the project reference) as a real process with
/// <c>dotnet</c>, in a given working directory and with a clean environment: no S3_*, AWS_*, BUQUET_* from the caller.
/// </summary>
public sealed class BuquetProcess
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "buquet.dll");

    public BuquetProcess(string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        WorkingDirectory = workingDirectory;
        Environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
    }

    public string WorkingDirectory { get; }

    public Dictionary<string, string> Environment { get; }

    public async Task<CliRun> RunAsync(params string[] args) => await RunWithInputAsync(null, args);

    public async Task<CliRun> RunWithInputAsync(string? stdin, params string[] args)
    {
        using var process = Start(args, stdin is not null);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the process for streaming tests (tail, submit --wait); the caller reads and stops it.</summary>
    public Process Start(IEnumerable<string> args, bool redirectInput = false)
    {
        Assert.True(File.Exists(Dll), $"buquet.dll not found at {Dll}: the test project must reference src/Buquet.Host.");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("S3_", StringComparison.Ordinal) || key.StartsWith("AWS_", StringComparison.Ordinal)
                || key.StartsWith("BUQUET", StringComparison.Ordinal) || key == "NO_COLOR")
            {
                info.Environment.Remove(key);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    /// <summary>Sends SIGINT (Ctrl+C) to a process.</summary>
    public static async Task InterruptAsync(Process process)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
