using System.Diagnostics;
using System.Text;
using Buquet.Actors.IntegrationTests.Storage;

namespace Buquet.Actors.IntegrationTests.Processes;

/// <summary>
/// A <c>buquet worker</c> started as a real OS process (<c>dotnet buquet.dll worker --store s3 ...</c>) against a
/// test bucket, with credentials by environment, or on a local store directory shared with other processes
/// (<see cref="StartLocal"/>). Output is collected (never blocks the pipe) for failure messages.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(string id, Process process)
    {
        Id = id;
        _process = process;
    }

    public string Id { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once exited, else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The built buquet.dll: BUQUET_TEST_BUQUET_DLL, else src/Buquet.Host's build output of this configuration
    /// (the project reference with ReferenceOutputAssembly=false builds it first).</summary>
    public static string Dll
    {
        get
        {
            if (Environment.GetEnvironmentVariable("BUQUET_TEST_BUQUET_DLL") is { Length: > 0 } overridden)
            {
                return overridden;
            }

            // tests/Buquet.Actors.IntegrationTests/bin/<Configuration>/<tfm>/
            var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = baseDir.Name;
            var configuration = baseDir.Parent!.Name;
            var root = baseDir.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            var dll = Path.Combine(root, "src", "Buquet.Host", "bin", configuration, tfm, "buquet.dll");
            Assert.True(File.Exists(dll), $"buquet.dll not found at {dll}: build src/Buquet.Host or set BUQUET_TEST_BUQUET_DLL.");
            return dll;
        }
    }

    public static WorkerProcess Start(S3TestServer server, string bucket, string id, string configFile, params string[] extra)
    {
        return Start(StartInfo(server, [Dll, "worker", "--store", "s3", "--endpoint", server.Endpoint, "--bucket", bucket, "--id", id, "--config", configFile, .. extra]), id);
    }

    /// <summary>
    /// A worker on the local (SQLite) store at <paramref name="storePath"/>, shared with the other processes through its
    /// cross-process writer lock; <paramref name="environment"/> is added to the cleaned environment.
    /// </summary>
    public static WorkerProcess StartLocal(string storePath, string id, string configFile, IReadOnlyDictionary<string, string> environment, params string[] extra)
    {
        var info = StartInfo(null, [Dll, "worker", "--store", "local", "--local-path", storePath, "--id", id, "--config", configFile, .. extra]);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return Start(info, id);
    }

    private static WorkerProcess Start(ProcessStartInfo info, string id)
    {
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var worker = new WorkerProcess(id, process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Runs one short <c>buquet</c> command (e.g. <c>cancel ID</c>) on the bucket; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunCliAsync(S3TestServer server, string bucket, TimeSpan timeout, params string[] args)
    {
        var info = StartInfo(server, [Dll, .. args, "--store", "s3", "--endpoint", server.Endpoint, "--bucket", bucket]);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static ProcessStartInfo StartInfo(S3TestServer? server, string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("S3_", StringComparison.Ordinal) || key.StartsWith("AWS_", StringComparison.Ordinal) || key.StartsWith("BUQUET", StringComparison.Ordinal))
            {
                info.Environment.Remove(key);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (server is null)
        {
            return info;
        }

        info.Environment["AWS_ACCESS_KEY_ID"] = server.AccessKey;
        info.Environment["AWS_SECRET_ACCESS_KEY"] = server.SecretKey;
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        if (!server.VersionedBuckets)
        {
            info.Environment["BUQUET_ALLOW_NO_VERSIONING"] = "true";
        }

        return info;
    }

    /// <summary>SIGKILL: no drain, no deregistration, leases left behind.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM (graceful drain), then waits for the exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 200_000)
            {
                _output.AppendLine(line);
            }
        }
    }
}
