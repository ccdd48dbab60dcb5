using System.Net;
using Buquet.Actors.Configuration;
using Buquet.Host.Health;

namespace Buquet.Host.Tests.Health;

/// <summary>The health listener over HTTP: status codes, reasons, and /metrics only when Prometheus is on.</summary>
public sealed class WorkerHealthEndpointTests
{
    private static readonly WorkerHealthOptions Loopback = new() { Enabled = true, BindAddress = "127.0.0.1", Port = 0 };

    [Fact]
    public async Task Get_BeforeTheStoreOpened_HealthzOkReadyz503WithTheReason()
    {
        var health = new WorkerHealth();
        await using var endpoint = await WorkerHealthEndpoint.StartAsync(Loopback, metrics: false, health);
        using var http = new HttpClient { BaseAddress = endpoint.Address };

        using var live = await http.GetAsync("/healthz");
        using var ready = await http.GetAsync("/readyz");
        using var metrics = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("the store has not been opened yet\n", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
    }

    [Fact]
    public async Task Get_MetricsEnabled_ServesPrometheusTextWithoutAToken()
    {
        await using var endpoint = await WorkerHealthEndpoint.StartAsync(Loopback, metrics: true, new WorkerHealth());
        using var http = new HttpClient { BaseAddress = endpoint.Address };

        using var metrics = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        Assert.True(endpoint.ServesMetrics);
    }

    [Fact]
    public async Task StartAsync_PortTaken_ThrowsIOException()
    {
        await using var first = await WorkerHealthEndpoint.StartAsync(Loopback, metrics: false, new WorkerHealth());
        var taken = new WorkerHealthOptions { Enabled = true, BindAddress = "127.0.0.1", Port = first.Address.Port };

        await Assert.ThrowsAnyAsync<IOException>(() => WorkerHealthEndpoint.StartAsync(taken, metrics: false, new WorkerHealth()));
    }
}
