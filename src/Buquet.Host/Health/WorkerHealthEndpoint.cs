using Buquet.Actors.Configuration;
using Buquet.Host.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Buquet.Host.Health;

/// <summary>
/// The listener of <c>buquet.worker.health</c>: <c>/healthz</c> and <c>/readyz</c> (200 or 503 with a one-line reason,
/// see <see cref="WorkerHealth"/>) and, when Prometheus is enabled, <c>/metrics</c>, without authentication: orchestrator
/// probes and Prometheus scrapers send no credentials, and nothing here carries task data (ADR 0016).
/// </summary>
internal sealed class WorkerHealthEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MeterProvider? _meters;

    private WorkerHealthEndpoint(WebApplication app, MeterProvider? meters, Uri address)
    {
        _app = app;
        _meters = meters;
        Address = address;
    }

    /// <summary>The listener's base URL, e.g. <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri Address { get; }

    /// <summary>Whether <c>/metrics</c> is served here.</summary>
    public bool ServesMetrics => _meters is not null;

    /// <summary>Starts listening on <paramref name="options"/>' address and port (0 = any free port).</summary>
    /// <exception cref="ArgumentException">A bind address that is not an IP address or localhost.</exception>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<WorkerHealthEndpoint> StartAsync(WorkerHealthOptions options, bool metrics, WorkerHealth health, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(health);
        var address = DashboardServer.ParseBindAddress(options.BindAddress);
        var meters = metrics ? BuquetPrometheus.CreateProvider() : null;
        var builder = HostBuilders.Web(typeof(WorkerHealthEndpoint).Assembly.GetName().Name!);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(address, options.Port);
        });
        var app = builder.Build();
        app.MapGet("/healthz", () => Answer(health.Liveness()));
        app.MapGet("/readyz", async (CancellationToken ct) => Answer(await health.ReadinessAsync(ct).ConfigureAwait(false)));
        if (meters is not null)
        {
            BuquetPrometheus.Map(app, meters);
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            meters?.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var first = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        var baseUri = new Uri(first.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        return new WorkerHealthEndpoint(app, meters, new Uri(baseUri, "/"));
    }

    private static IResult Answer(HealthResult result) =>
        Results.Text(result.Detail + "\n", "text/plain; charset=utf-8", statusCode: result.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _meters?.Dispose();
    }
}
