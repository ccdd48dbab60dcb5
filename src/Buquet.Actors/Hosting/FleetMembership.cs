using Buquet.Actors.Cluster;
using Buquet.Actors.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buquet.Actors.Hosting;

/// <summary>
/// The one fleet membership of a host (ADR 0026, 0027; INTERNAL API), registered by <c>AddBuquet</c>. With
/// <c>buquet.cluster.enabled</c> it holds a single <see cref="FleetCluster"/>: the DI <c>BuquetClient</c> publishes
/// through it, the host's start makes it a publish-only member, and a worker of the same host
/// (<c>AddBuquetWorker</c>/<c>WithBuquetWorker</c>) hands it its inbox, so client and worker are one member on one
/// port. With the cluster off it holds nothing: no actor system, no port.
/// </summary>
internal sealed class FleetMembership : IHostedService, IAsyncDisposable
{
    private readonly Lazy<FleetCluster?> _fleet;

    public FleetMembership(IOptions<BuquetOptions> options, TimeProvider time, ILoggerFactory? logs = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _fleet = new(() => options.Value.Cluster.Enabled
            ? new FleetCluster(FleetClusterSettings.FromOptions(options.Value.Cluster), time, logs)
            : null);
    }

    /// <summary>This host's member, created on first use; null with the cluster off.</summary>
    public FleetCluster? Fleet => _fleet.Value;

    /// <summary>Joins publish-only, unless the worker already started the member with its inbox.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Fleet?.EnsureStarted();
        return Task.CompletedTask;
    }

    /// <summary>Leaves a client-only member; a worker's member leaves in its coordinated shutdown, after the drain.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_fleet.IsValueCreated && _fleet.Value is { HasWorker: false } fleet)
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_fleet.IsValueCreated && _fleet.Value is { } fleet)
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
        }
    }
}
