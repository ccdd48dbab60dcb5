using Buquet.Actors.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Buquet.Host.Dashboard;

/// <summary>
/// Prometheus exposition of the <c>Buquet.Actors</c> meter (<see cref="BuquetTelemetry"/>) through OpenTelemetry's
/// Prometheus exporter (ADR 0019). Every <c>/metrics</c> in the process (the dashboard's, the Prometheus port's, the
/// worker health listener's) is one <see cref="MeterProvider"/> from <see cref="CreateProvider"/> mapped with
/// <see cref="Map"/>. Names are the instruments' with dots as underscores, counters end in <c>_total</c>, up-down
/// counters are gauges, histograms use <see cref="BuquetTelemetry.SecondsBuckets"/>.
/// </summary>
internal static class BuquetPrometheus
{
    /// <summary>The scrape path on every listener.</summary>
    public const string Path = "/metrics";

    /// <summary>
    /// A provider that aggregates the <c>Buquet.Actors</c> meter from now on, for one scrape endpoint: no response
    /// cache (a scrape right after a task completes shows it) and no <c>otel_scope_*</c> labels, so every series carries
    /// only its instrument's own labels. The <c>target_info</c> series stays: it keeps a scrape before the first
    /// measurement a non-empty, typed (<c>Content-Type</c>) answer. Dispose it with its listener.
    /// </summary>
    public static MeterProvider CreateProvider() =>
        Sdk.CreateMeterProviderBuilder()
            .AddMeter(BuquetTelemetry.Name)
            .AddPrometheusExporter(o =>
            {
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                o.ScopeInfoEnabled = false;
            })
            .Build();

    /// <summary>Maps <see cref="Path"/> on <paramref name="endpoints"/> to <paramref name="provider"/>'s exporter; it runs behind the app's middleware (auth, headers).</summary>
    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, MeterProvider provider) =>
        endpoints.MapPrometheusScrapingEndpoint(Path, provider, configureBranchedPipeline: null, optionsName: null);
}
