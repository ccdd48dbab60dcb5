using System.Diagnostics;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Aot;

/// <summary>
/// The Native AOT worker (<c>-p:BuquetAot=true</c>, ADR 0012) is what meets the idle-memory budget, so it must keep
/// working: published from a copy of the sources (warnings are errors, so a reflection-only call fails the publish),
/// then run for real. Reflection that the analyzers cannot see (configuration binding, JSON of the built-in handlers,
/// the dashboard's endpoints) would fail at run time only, which is what the runs below exercise.
/// </summary>
public sealed class NativeAotPublishTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Buquet.Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Buquet.Actors.sln above {AppContext.BaseDirectory}");
    }

    private static void CopySources(string to)
    {
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" })
        {
            File.Copy(Path.Combine(Root, file), Path.Combine(to, file));
        }

        foreach (var dir in new[] { "HOCON", "src/Buquet.Actors", "src/Buquet.Host" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, dir), "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(Root, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
                {
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
                File.Copy(file, Path.Combine(to, relative));
            }
        }
    }

    private static async Task<CliRun> RunAsync(string fileName, string workingDirectory, TimeSpan limit, params string[] args)
    {
        var info = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("BUQUET", StringComparison.Ordinal) || k.StartsWith("S3_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task PublishAot_WorkerDemoConfigAndDashboard_RunWithoutReflection()
    {
        using var dir = new TempDirectory();
        var sources = Path.Combine(dir.Path, "src-copy");
        var output = Path.Combine(dir.Path, "aot");
        Directory.CreateDirectory(sources);
        CopySources(sources);

        var publish = await RunAsync("dotnet", sources, TimeSpan.FromMinutes(15),
            "publish", "src/Buquet.Host/Buquet.Host.csproj", "-c", "Release", "-r", "linux-x64", "-p:BuquetAot=true", "-o", output, "-nologo", "-clp:ErrorsOnly");
        Assert.True(publish.ExitCode == 0, $"AOT publish failed\n{publish}");
        var buquet = Path.Combine(output, "buquet");
        Assert.True(File.Exists(buquet), $"no native executable at {buquet}");
        Assert.False(File.Exists(Path.Combine(output, "buquet.dll")), "a Native AOT publish has no IL assembly");

        // A worker with the built-in handlers (typed JSON messages), retries, reschedules, a delay and a cancel.
        var demo = await RunAsync(buquet, dir.Path, TimeSpan.FromMinutes(2), "demo");
        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Contains("All 12 tasks reached their expected state", demo.Stdout, StringComparison.Ordinal);

        // Every setting binds from a file (the binder reflects over the options types).
        var conf = Path.Combine(dir.Path, "app.conf");
        await File.WriteAllTextAsync(conf, "buquet.worker { concurrency = 3, polling { max-interval = 2s } }\n");
        var config = await RunAsync(buquet, dir.Path, TimeSpan.FromMinutes(1), "config", "show", "--config", conf);
        Assert.True(config.ExitCode == 0, config.ToString());
        Assert.Contains("buquet.worker.concurrency = \"3\"", config.Stdout, StringComparison.Ordinal);
        Assert.Contains("buquet.worker.polling.max-interval = \"2s\"", config.Stdout, StringComparison.Ordinal);

        // A typed submit and a task page of the dashboard (generated endpoint binding).
        var store = Path.Combine(dir.Path, "store");
        var submit = await RunAsync(buquet, dir.Path, TimeSpan.FromMinutes(1), "submit", "--task-type", "buquet.echo", "--input", "{\"x\": 1.5}", "--store", "local", "--local-path", store, "--json");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        var id = System.Text.Json.JsonDocument.Parse(submit.Stdout).RootElement.GetProperty("id").GetString();
        var list = await RunAsync(buquet, dir.Path, TimeSpan.FromMinutes(1), "list", "--store", "local", "--local-path", store, "--json");
        Assert.Contains("\"x\": 1.5", list.Stdout, StringComparison.Ordinal);

        var port = FreePort();
        using var serve = Process.Start(new ProcessStartInfo(buquet, ["serve", "--store", "local", "--local-path", store, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            WorkingDirectory = dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var serveErr = serve.StandardError.ReadToEndAsync();
        try
        {
            string? line;
            while ((line = await serve.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))) is not null && !line.Contains("Dashboard running", StringComparison.Ordinal))
            {
            }

            if (line is null)
            {
                Assert.Fail($"the AOT dashboard exited\n{await serveErr}");
            }

            using var http = new HttpClient();
            var page = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/tasks/{id}"));
            Assert.Contains("buquet.echo", page, StringComparison.Ordinal);
            Assert.Contains("1.5", page, StringComparison.Ordinal);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
