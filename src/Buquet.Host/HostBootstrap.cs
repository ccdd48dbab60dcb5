using System.Collections;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Configuration;

namespace Buquet.Host;

/// <summary>
/// How the host turns files, environment and flags into configuration, a store and a client; shared by the CLI
/// commands and the worker service.
/// </summary>
internal static class HostBootstrap
{
    /// <summary>Layered configuration: defaults &lt; <paramref name="files"/> (or BUQUET_CONFIG) &lt; environment &lt; <paramref name="overrides"/>.</summary>
    public static IConfigurationRoot BuildConfiguration(IReadOnlyList<string>? files, IDictionary environment, IEnumerable<KeyValuePair<string, string?>> overrides) =>
        BuquetConfiguration.Build(files, environment, overrides);

    /// <summary>Client settings from <c>buquet.queue</c> and <c>buquet.clock</c>.</summary>
    public static BuquetClientOptions ClientOptions(BuquetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Buquet.Actors.Hosting.BuquetHostingExtensions.ClientOptions(options);
    }

    /// <summary>Opens the configured store (see <see cref="ObjectStoreFactory"/>).</summary>
    public static Task<IObjectStore> OpenStoreAsync(BuquetOptions options, TimeProvider? time, CancellationToken ct) =>
        ObjectStoreFactory.CreateAsync(options.Store, time, ct);
}
