using Buquet.Actors.Configuration;
using Buquet.Actors.Diagnostics;
using Buquet.Host.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Buquet.Host.Tests.Dashboard;

public sealed class BuquetOtlpTests
{
    [Fact]
    public async Task Start_HttpEndpoint_ExportsBuquetMetricsOnDispose()
    {
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        await using var collector = builder.Build();
        collector.MapPost("/otlp/v1/metrics", async (HttpContext ctx) =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            received.TrySetResult(System.Text.Encoding.Latin1.GetString(ms.ToArray()));
            return Results.Ok();
        });
        collector.MapPost("/otlp/v1/traces", () => Results.Ok());
        await collector.StartAsync();
        var address = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var otlp = BuquetOtlp.Start(new TelemetryOptions { OtlpEndpoint = address + "/otlp" });
        Assert.NotNull(otlp);
        BuquetTelemetry.TaskSubmitted("otlp_probe_type");
        otlp.Dispose();

        var body = await received.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("buquet.tasks.submitted", body, StringComparison.Ordinal);
        Assert.Contains("otlp_probe_type", body, StringComparison.Ordinal);
        await collector.StopAsync();
    }

    [Fact]
    public void Start_EmptyEndpoint_ReturnsNull() => Assert.Null(BuquetOtlp.Start(new TelemetryOptions()));

    [Fact]
    public void Start_BadEndpoint_NamesIt()
    {
        var e = Assert.Throws<ArgumentException>(() => BuquetOtlp.Start(new TelemetryOptions { OtlpEndpoint = "collector:4317" }));

        Assert.Contains("'collector:4317'", e.Message, StringComparison.Ordinal);
    }
}
