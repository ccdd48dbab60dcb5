using System.Diagnostics;
using System.Globalization;

namespace Buquet.Host.Bench;

/// <summary>
/// One worker of the benchmark as a real OS process: <c>dotnet buquet.dll bench worker-process --counts-file F --id ID
/// --concurrency C [store flags]</c>, which hosts the worker service and reports its store request counts in F.
/// Output goes to a log file next to F.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private WorkerProcess(Process process, string id, string countsFile, StreamWriter log)
    {
        _process = process;
        Id = id;
        CountsFile = countsFile;
        _log = log;
    }

    public string Id { get; }

    public string CountsFile { get; }

    public string LogFile => CountsFile + ".log";

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>
    /// The command that runs this program: under a dotnet host (<c>dotnet buquet.dll</c>, the test host) that host and
    /// buquet.dll beside this assembly; otherwise this very executable (the apphost).
    /// </summary>
    public static (string FileName, string? Dll) Launcher()
    {
        var current = Environment.ProcessPath;
        if (current is null || Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return (current ?? "dotnet", Path.Combine(AppContext.BaseDirectory, "buquet.dll"));
        }

        return (current, null);
    }

    /// <summary>Starts the process; <paramref name="environment"/> adds variables to this process's own (e.g. <c>BUQUET_EXECUTION_LOG</c>).</summary>
    public static WorkerProcess Start(string id, string countsFile, IEnumerable<string> workerArgs, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (fileName, dll) = Launcher();
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (dll is not null)
        {
            info.ArgumentList.Add(dll);
        }

        foreach (var a in new[] { "bench", "worker-process", "--counts-file", countsFile, "--id", id }.Concat(workerArgs))
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var log = new StreamWriter(countsFile + ".log") { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName} {dll}");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process, id, countsFile, log);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output after the benchmark let go of the process.
            }
        }
    }

    public ProcessStats Stats() => _process.HasExited ? ProcessStats.Zero : ProcessStats.Read(_process.Id);

    /// <summary>SIGTERM (the worker drains and writes its final counts), then SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            if (kill is not null)
            {
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(grace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The last lines of the worker's output (for error messages).</summary>
    public string Tail(int lines = 20)
    {
        lock (_log)
        {
            _log.Flush();
        }

        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}
