using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Health;

/// <summary>The probes of a real <c>buquet worker</c> process across its life: claiming, draining, gone.</summary>
public sealed class WorkerHealthProcessTests
{
    [Fact]
    public async Task Worker_SigtermWithATaskInFlight_ReadyzTurns503WhileLivenessStays200UntilExit()
    {
        using var dir = new TempDirectory();
        using var store = new SqliteObjectStore(dir.StorePath);
        var client = new BuquetClient(store);
        int port;
        using (var free = new TcpListener(IPAddress.Loopback, 0))
        {
            free.Start();
            port = ((IPEndPoint)free.LocalEndpoint).Port;
        }

        var process = new BuquetProcess(dir.Path, new Dictionary<string, string> { ["BUQUET__WORKER__HEALTH__BIND_ADDRESS"] = "127.0.0.1" })
            .Start(["worker", "--store", "local", "--local-path", dir.StorePath, "--no-monitor", "--health-port", port.ToString(CultureInfo.InvariantCulture)]);
        var stderr = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                if (line is null)
                {
                    Assert.Fail($"the worker exited before serving its probes\n{await stderr}");
                }
            }
            while (!line.StartsWith("Health at ", StringComparison.Ordinal));
            var stdout = process.StandardOutput.ReadToEndAsync();
            using (var ready = await http.GetAsync("/readyz"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                Assert.StartsWith("claiming:", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            var task = await client.SubmitAsync("buquet.sleep", new { ms = 5000 });
            await WaitForAsync(async () => (await client.GetAsync(task.Id))!.Status == BuquetTaskStatus.Running, "the task never ran");
            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            {
                await term.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }

            // The drain holds the process while the 5 s task runs: readiness drops at once, liveness stays.
            HttpResponseMessage? draining = null;
            await WaitForAsync(async () =>
            {
                draining?.Dispose();
                draining = await http.GetAsync("/readyz");
                return draining.StatusCode == HttpStatusCode.ServiceUnavailable;
            }, "readyz never turned 503 during the drain");
            using var live = await http.GetAsync("/healthz");
            var body = await draining!.Content.ReadAsStringAsync();
            draining.Dispose();
            var stillRunning = (await client.GetAsync(task.Id))!.Status == BuquetTaskStatus.Running;

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.StartsWith("draining", body, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.True(stillRunning, "the task had finished before the drain was observed: the 503 was not seen during a drain");
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
            Assert.Equal(BuquetTaskStatus.Completed, (await client.GetAsync(task.Id))!.Status);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string message)
    {
        var start = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(30), message);
            await Task.Yield();
        }
    }
}
