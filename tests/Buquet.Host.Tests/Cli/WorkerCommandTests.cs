using System.Diagnostics;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

public sealed class WorkerCommandTests
{
    private static async Task WaitForStatusAsync(BuquetClient client, Guid id, BuquetTaskStatus status)
    {
        var start = Stopwatch.GetTimestamp();
        while ((await client.GetAsync(id))!.Status != status)
        {
            Assert.True(Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(30), $"task {id} never became {status}");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Worker_Sigterm_InFlightTaskFinishesAndProcessExitsZero()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.StorePath);
        var client = new BuquetClient(new LocalDirectoryObjectStore(dir.StorePath));
        var process = new BuquetProcess(dir.Path).Start(["worker", "--store", "local", "--local-path", dir.StorePath, "--id", "worker-sigterm", "--no-monitor"]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var task = await client.SubmitAsync("buquet.sleep", new { ms = 2000 });
            await WaitForStatusAsync(client, task.Id, BuquetTaskStatus.Running);

            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            {
                await term.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(40));
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
            Assert.Equal(BuquetTaskStatus.Completed, (await client.GetAsync(task.Id))!.Status);
            Assert.Null(await new LocalDirectoryObjectStore(dir.StorePath).HeadAsync(TaskKeys.Worker("worker-sigterm")));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
