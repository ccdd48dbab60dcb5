using System.Diagnostics;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Cli;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

public sealed class WorkerCommandTests
{
    /// <summary>Polls (every 50 ms, up to a minute: a loaded CI machine starts a worker process slowly) until the task has <paramref name="status"/>.</summary>
    private static async Task WaitForStatusAsync(BuquetClient client, Guid id, BuquetTaskStatus status)
    {
        var start = Stopwatch.GetTimestamp();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        BuquetTaskStatus? seen;
        while ((seen = (await client.GetAsync(id))!.Status) != status)
        {
            Assert.True(Stopwatch.GetElapsedTime(start) < TimeSpan.FromMinutes(1), $"task {id} never became {status} (last seen {seen})");
            await poll.WaitForNextTickAsync();
        }
    }

    [Fact]
    public async Task Worker_Sigterm_InFlightTaskFinishesAndProcessExitsZero()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.StorePath);
        var client = new BuquetClient(new SqliteObjectStore(dir.StorePath));
        var process = new BuquetProcess(dir.Path).Start(["worker", "--store", "local", "--local-path", dir.StorePath, "--id", "worker-sigterm", "--no-monitor"]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // Long enough to still be running when the SIGTERM lands on a loaded machine; the drain waits for it.
            var task = await client.SubmitAsync("buquet.sleep", new { ms = 8000 });
            await WaitForStatusAsync(client, task.Id, BuquetTaskStatus.Running);

            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            {
                await term.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(40));
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
            Assert.Equal(BuquetTaskStatus.Completed, (await client.GetAsync(task.Id))!.Status);
            Assert.Null(await new SqliteObjectStore(dir.StorePath).HeadAsync(TaskKeys.Worker("worker-sigterm")));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Worker_BuiltInHandlersOff_RefusesToStartNamingHowToRegisterHandlers()
    {
        var run = await InProcessCli.RunAsync(
            ["worker", "--store", "memory", "--no-monitor"],
            commands: [WorkerCommand.Create],
            variables: new System.Collections.Hashtable { ["BUQUET__WORKER__BUILT_IN_HANDLERS"] = "false" });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("buquet worker has no task handlers", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("AddBuquetWorker", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_HealthPortTaken_RefusesNamingThePortSetting()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var run = await InProcessCli.RunAsync(["worker", "--store", "memory", "--no-monitor", "--health-port", port],
            commands: [WorkerCommand.Create],
            variables: new System.Collections.Hashtable { ["BUQUET__WORKER__HEALTH__BIND_ADDRESS"] = "127.0.0.1" });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Cannot serve the health endpoints on 127.0.0.1:{port}", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("buquet.worker.health.port", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_StartedInALargeDirectoryTree_WatchesNoFiles()
    {
        // A worker runs where it is started, often beside its local store (one directory per object). The hosts'
        // defaults would watch that whole tree for appsettings.json changes: one inotify watch per directory.
        using var dir = new TempDirectory();
        for (var i = 0; i < 200; i++)
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, "tree", $"d{i}", "versions"));
        }

        Directory.CreateDirectory(dir.StorePath);
        var process = new BuquetProcess(dir.Path).Start(["worker", "--store", "local", "--local-path", dir.StorePath, "--no-monitor"]);
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // The banner is printed after the host is built, i.e. after its configuration sources were loaded.
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                if (line is null)
                {
                    Assert.Fail($"the worker exited before its banner\n{await stderr}");
                }
            }
            while (!line.Contains("buquet worker", StringComparison.Ordinal));

            Assert.Equal(0, InotifyWatches(process.Id));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>inotify watches the process holds, from <c>/proc/PID/fdinfo</c> (one <c>inotify wd:</c> line per watch).</summary>
    private static int InotifyWatches(int pid) =>
        Directory.EnumerateFiles($"/proc/{pid}/fdinfo")
            .Sum(f =>
            {
                try
                {
                    return File.ReadLines(f).Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal));
                }
                catch (IOException)
                {
                    return 0; // the descriptor closed while it was read
                }
            });
}
