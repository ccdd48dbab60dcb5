using Buquet.Actors.Configuration;
using Buquet.Actors.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Buquet.Host.Dashboard;

/// <summary>
/// OTLP export of the <c>Buquet.Actors</c> meter and activity source (<see cref="BuquetTelemetry"/>) when
/// <see cref="TelemetryOptions.OtlpEndpoint"/> is set. Use once per process (<c>buquet serve</c>, <c>buquet worker</c>).
/// </summary>
public static class BuquetOtlp
{
    /// <summary>
    /// Starts exporting metrics and traces to <see cref="TelemetryOptions.OtlpEndpoint"/>; <c>null</c> when it is empty.
    /// Port 4318 or a base path (e.g. <c>http://collector/otlp</c>) selects OTLP over HTTP/protobuf, posting to
    /// <c>{base}/v1/metrics</c> and <c>{base}/v1/traces</c>; anything else (e.g. <c>http://localhost:4317</c>) is gRPC. Dispose the result
    /// on shutdown (it flushes).
    /// </summary>
    /// <exception cref="ArgumentException">The endpoint is not an absolute http(s) URI.</exception>
    public static IDisposable? Start(TelemetryOptions telemetry, TimeSpan? exportInterval = null)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        if (string.IsNullOrWhiteSpace(telemetry.OtlpEndpoint))
        {
            return null;
        }

        if (!Uri.TryCreate(telemetry.OtlpEndpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"OTLP endpoint '{telemetry.OtlpEndpoint}' is not an absolute http(s) URI (e.g. http://localhost:4317).", nameof(telemetry));
        }

        var http = endpoint.Port == 4318 || endpoint.AbsolutePath != "/";
        var interval = (int)(exportInterval ?? TimeSpan.FromSeconds(15)).TotalMilliseconds;
        var meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(BuquetTelemetry.Name)
            .AddOtlpExporter((o, reader) =>
            {
                Configure(o, endpoint, http, "/v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
            })
            .Build();
        var traces = Sdk.CreateTracerProviderBuilder()
            .AddSource(BuquetTelemetry.Name)
            .AddOtlpExporter(o => Configure(o, endpoint, http, "/v1/traces"))
            .Build();
        return new Providers(meters, traces);
    }

    private static void Configure(OtlpExporterOptions o, Uri endpoint, bool http, string signalPath)
    {
        o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        o.Endpoint = http ? new Uri(endpoint.GetLeftPart(UriPartial.Authority) + endpoint.AbsolutePath.TrimEnd('/') + signalPath) : endpoint;
    }

    private sealed class Providers(MeterProvider meters, TracerProvider traces) : IDisposable
    {
        public MeterProvider Meters { get; } = meters;

        public void Dispose()
        {
            Meters.ForceFlush(5000);
            Meters.Dispose();
            traces.ForceFlush(5000);
            traces.Dispose();
        }
    }
}
