using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Dashboard;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Dashboard;

public sealed class PrometheusEndpointTests
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task StartAsync_Loopback_ServesBuquetMetricsOnItsOwnPort()
    {
        await using var endpoint = await PrometheusEndpoint.StartAsync(new DashboardOptions(), 0);
        var store = new MeteredObjectStore(new InMemoryObjectStore());
        await store.GetAsync("tasks/missing.json");
        BuquetTelemetry.TaskCompleted("prom_probe", TimeSpan.FromMilliseconds(5));
        using var http = new HttpClient();

        var text = await http.GetStringAsync(endpoint.Address);

        Assert.Equal("127.0.0.1", endpoint.Address.Host);
        Assert.Equal("/metrics", endpoint.Address.AbsolutePath);
        Assert.Contains("buquet_tasks_completed_total{task_type=\"prom_probe\"}", text, StringComparison.Ordinal);
        Assert.Contains("buquet_s3_requests_total{", text, StringComparison.Ordinal);
        Assert.Contains("operation=\"get\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_AfterTaskEvents_ShowsBuquetNamesTypesBucketsAndEscapedLabels()
    {
        await using var endpoint = await PrometheusEndpoint.StartAsync(new DashboardOptions(), 0);
        using var http = new HttpClient();
        var type = "expo_" + Guid.NewGuid().ToString("N")[..8];

        BuquetTelemetry.TaskSubmitted(type);
        BuquetTelemetry.TaskSubmitted(type);
        BuquetTelemetry.TaskCompleted(type, TimeSpan.FromMilliseconds(300));
        BuquetTelemetry.TaskFailed(type, TaskFailureReason.NoHandler);
        BuquetTelemetry.Claim(type, won: false);
        BuquetTelemetry.TaskSubmitted("we\"ird\ntype");
        string during;
        using (BuquetTelemetry.TrackInFlight(type))
        {
            during = await http.GetStringAsync(endpoint.Address);
        }

        var text = await http.GetStringAsync(endpoint.Address);

        Assert.Contains($"buquet_tasks_in_flight{{task_type=\"{type}\"}} 1", during, StringComparison.Ordinal);
        Assert.Contains($"buquet_tasks_in_flight{{task_type=\"{type}\"}} 0", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE buquet_tasks_in_flight gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE buquet_tasks_submitted_total counter", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_tasks_submitted_total{{task_type=\"{type}\"}} 2", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_tasks_completed_total{{task_type=\"{type}\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_tasks_failed_total{{reason=\"no_handler\",task_type=\"{type}\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_claims_conflict_total{{task_type=\"{type}\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE buquet_task_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_task_duration_seconds_bucket{{task_type=\"{type}\",le=\"0.25\"}} 0", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_task_duration_seconds_bucket{{task_type=\"{type}\",le=\"0.5\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains($"buquet_task_duration_seconds_count{{task_type=\"{type}\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains("task_type=\"we\\\"ird\\ntype\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("otel_scope", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_PublicWithToken_RequiresBearer()
    {
        var dash = new DashboardOptions { BindAddress = "0.0.0.0", AccessToken = "scrape-me" };
        await using var endpoint = await PrometheusEndpoint.StartAsync(dash, 0);
        using var http = new HttpClient();

        using var refused = await http.GetAsync(endpoint.Address);
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.Address);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "scrape-me");
        using var allowed = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task StartAsync_PublicWithoutToken_RefusedNamingAddress()
    {
        var dash = new DashboardOptions { BindAddress = "0.0.0.0" };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => PrometheusEndpoint.StartAsync(dash, 0));

        Assert.Contains("0.0.0.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartIfEnabledAsync_Disabled_ReturnsNull()
    {
        Assert.Null(await PrometheusEndpoint.StartIfEnabledAsync(new BuquetOptions()));
    }

    [Fact]
    public async Task WorkerProcess_PrometheusEnabled_ScrapeShowsCompletedTasksAndS3Requests()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.StorePath);
        var port = FreePort();
        var env = new Dictionary<string, string> { ["BUQUET_METRICS_EXPORTER"] = "prometheus", ["BUQUET_METRICS_PROMETHEUS_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var process = new BuquetProcess(dir.Path, env).Start(["worker", "--store", "local", "--local-path", dir.StorePath, "--id", "worker-prom", "--no-monitor"]);
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var seen = new System.Text.StringBuilder();
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                if (line is null)
                {
                    Assert.Fail($"the worker exited before announcing its metrics endpoint:\n{seen}\n{await stderr}");
                }

                seen.AppendLine(line);
                if (line.Contains($"Prometheus metrics at http://127.0.0.1:{port}/metrics", StringComparison.Ordinal))
                {
                    break;
                }
            }

            _ = process.StandardOutput.ReadToEndAsync();
            var client = new BuquetClient(new SqliteObjectStore(dir.StorePath));
            var task = await client.SubmitAsync("buquet.echo", new { hello = "prometheus" });
            using var http = new HttpClient();
            var start = Stopwatch.GetTimestamp();
            string text;
            do
            {
                Assert.True(Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(30), $"task {task.Id} never completed");
                text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
            }
            while (!text.Contains("buquet_tasks_completed_total{task_type=\"buquet.echo\"} 1", StringComparison.Ordinal));

            Assert.Equal(BuquetTaskStatus.Completed, (await client.GetAsync(task.Id))!.Status);
            Assert.Contains("buquet_s3_requests_total{operation=\"list\",outcome=\"ok\"}", text, StringComparison.Ordinal);
            Assert.Contains("buquet_s3_requests_total{operation=\"put\",outcome=\"ok\"}", text, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }

            _ = await stderr;
        }
    }
}
