using Buquet.Actors.Configuration;
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
    public static async Task<int> ServeAsync(BuquetOptions options, IObjectStore store, TextWriter output, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        await using var server = DashboardServer.Create(options, store, null, loggerFactory);
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
