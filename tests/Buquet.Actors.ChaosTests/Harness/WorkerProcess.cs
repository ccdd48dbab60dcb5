using System.Diagnostics;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>One <c>buquet worker</c> OS process: started with a command line and environment, output to a log file, signalled.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logGate = new();

    private WorkerProcess(string workerId, Process process, StreamWriter log, string logPath)
    {
        WorkerId = workerId;
        _process = process;
        _log = log;
        LogPath = logPath;
        Pid = process.Id;
    }

    /// <summary>The worker id passed on its command line.</summary>
    public string WorkerId { get; }

    /// <summary>The OS process id.</summary>
    public int Pid { get; }

    /// <summary>stdout and stderr of the process.</summary>
    public string LogPath { get; }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once exited.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>; output appended to <paramref name="logPath"/>.</summary>
    public static WorkerProcess Start(string workerId, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }

        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        WorkerProcess? self = null;
        process.OutputDataReceived += (_, e) => self?.Append(e.Data);
        process.ErrorDataReceived += (_, e) => self?.Append(e.Data);
        if (!process.Start())
        {
            log.Dispose();
            throw new InvalidOperationException($"Could not start '{fileName}' for worker '{workerId}'.");
        }

        self = new WorkerProcess(workerId, process, log, logPath);
        self.Append($"# started pid {process.Id}: {fileName} {string.Join(' ', info.ArgumentList)}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return self;
    }

    /// <summary>SIGKILL: no cleanup, no drain.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }
    }

    /// <summary>SIGTERM: the worker's phased shutdown.</summary>
    public void Terminate()
    {
        if (_process.HasExited)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run kill(1).");
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of output.</summary>
    public string Tail(int lines = 30)
    {
        lock (_logGate)
        {
            _log.Flush();
        }

        try
        {
            using var read = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(read);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            _log.WriteLine(line);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process.Dispose();
        lock (_logGate)
        {
            _log.Dispose();
        }
    }
}
