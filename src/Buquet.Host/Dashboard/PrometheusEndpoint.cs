using Buquet.Actors.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Buquet.Host.Dashboard;

/// <summary>
/// <c>/metrics</c> (Prometheus text, <see cref="BuquetPrometheus"/>) on its own port (<c>buquet.telemetry.prometheus-port</c>), for <c>buquet worker</c>
/// and <c>buquet serve</c> when <c>buquet.telemetry.prometheus-enabled</c> is set. Follows the dashboard's bind rules:
/// the dashboard's bind address (127.0.0.1 by default); any other address needs its access token (sent as
/// <c>Authorization: Bearer</c>) or no-auth.
/// </summary>
internal sealed class PrometheusEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MeterProvider _meters;

    private PrometheusEndpoint(WebApplication app, MeterProvider meters, Uri address)
    {
        _app = app;
        _meters = meters;
        Address = address;
    }

    /// <summary>The scrape URL, e.g. <c>http://127.0.0.1:9000/metrics</c>.</summary>
    public Uri Address { get; }

    /// <summary>Starts the endpoint when <paramref name="options"/> enable it; <c>null</c> otherwise.</summary>
    /// <exception cref="ArgumentException">A public bind address without an access token or no-auth, or a bad address/port.</exception>
    public static async Task<PrometheusEndpoint?> StartIfEnabledAsync(BuquetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Telemetry.PrometheusEnabled
            ? await StartAsync(options.Dashboard, options.Telemetry.PrometheusPort, cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>Starts serving <c>/metrics</c> on <paramref name="port"/> (0 = any free port) of the dashboard's bind address.</summary>
    /// <exception cref="ArgumentException">A public bind address without an access token or no-auth, or a bad address/port.</exception>
    public static async Task<PrometheusEndpoint> StartAsync(DashboardOptions dashboard, int port, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"Prometheus port {port} is outside 1..65535.", nameof(port));
        }

        var auth = DashboardAuth.For(dashboard.BindAddress, dashboard.AccessToken, dashboard.NoAuth);
        var address = DashboardServer.ParseBindAddress(dashboard.BindAddress);
        var meters = BuquetPrometheus.CreateProvider();
        var builder = HostBuilders.Web(typeof(PrometheusEndpoint).Assembly.GetName().Name!);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(address, port);
        });
        var app = builder.Build();
        app.Use(async (ctx, next) =>
        {
            if (!auth.IsAuthorized(ctx))
            {
                ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"buquet\"";
                await ctx.Response.WriteAsync("401 Unauthorized: an access token is required.").ConfigureAwait(false);
                return;
            }

            await next(ctx).ConfigureAwait(false);
        });
        BuquetPrometheus.Map(app, meters);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            meters.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var first = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        var baseUri = new Uri(first.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        return new PrometheusEndpoint(app, meters, new Uri(baseUri, BuquetPrometheus.Path));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _meters.Dispose();
    }
}
