using Buquet.Actors.Client;
using Buquet.Actors.Cluster;
using Buquet.Actors.Configuration;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Host.Dashboard;

/// <summary>What <c>buquet serve</c> runs: the dashboard in the foreground until cancelled (Ctrl+C / SIGTERM).</summary>
public static class DashboardHost
{
    /// <summary>
    /// Starts the dashboard for <paramref name="options"/> over <paramref name="store"/>, prints
    /// <c>Dashboard running at http://127.0.0.1:PORT/</c> (and whether a token is required) to <paramref name="output"/>,
    /// and serves until <paramref name="cancellationToken"/> is cancelled. Returns the process exit code.
    /// </summary>
    /// <exception cref="ArgumentException">A public bind address without an access token or no-auth, or a bad address/port.</exception>
    public static Task<int> ServeAsync(BuquetOptions options, IObjectStore store, TextWriter output, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        ServeAsync(options, store, output, loggerFactory, null, cancellationToken);

    /// <summary>
    /// This process's publish-only fleet member when <c>buquet.cluster.enabled</c> (started; the caller disposes it),
    /// otherwise null (no actor system, no port).
    /// </summary>
    internal static FleetCluster? FleetMember(BuquetOptions options, TimeProvider time, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Cluster.Enabled)
        {
            return null;
        }

        var fleet = new FleetCluster(FleetClusterSettings.FromOptions(options.Cluster), time, loggerFactory);
        fleet.Start(FleetInbox.PublishOnly);
        return fleet;
    }

    /// <summary>As the public overload; with <paramref name="fleet"/>, the dashboard's client publishes its signals through it.</summary>
    internal static async Task<int> ServeAsync(BuquetOptions options, IObjectStore store, TextWriter output, ILoggerFactory? loggerFactory, FleetCluster? fleet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(store);
        var metered = store as MeteredObjectStore ?? new MeteredObjectStore(store, TimeProvider.System);
        var client = fleet is null
            ? null
            : new BuquetClient(metered, new BuquetClientOptions { ShardPrefixLength = options.Queue.ShardPrefixLength }, null, TimeProvider.System, null, fleet);
        await using var server = DashboardServer.Create(options, metered, client, loggerFactory);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Dashboard running at {server.Address}").ConfigureAwait(false);
        if (!string.IsNullOrEmpty(options.Dashboard.AccessToken) && !options.Dashboard.NoAuth)
        {
            await output.WriteLineAsync("Access token required (Authorization: Bearer <token>, or sign in at /login).").ConfigureAwait(false);
        }

        await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
