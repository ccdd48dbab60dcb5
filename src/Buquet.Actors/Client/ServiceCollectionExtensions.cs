using Buquet.Actors.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buquet.Actors.Client;

/// <summary>Dependency-injection registration of <see cref="BuquetClient"/>.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="BuquetClient"/> configured by <paramref name="configure"/>. Needs an
    /// <see cref="IObjectStore"/> registered; uses a registered <see cref="TimeProvider"/> when there is one.
    /// </summary>
    public static IServiceCollection AddBuquetClient(this IServiceCollection services, Action<BuquetClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<BuquetClientOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.Validate(o =>
        {
            o.Validate();
            return true;
        });
        services.TryAddSingleton(sp => new BuquetClient(
            sp.GetRequiredService<IObjectStore>(),
            sp.GetRequiredService<IOptions<BuquetClientOptions>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<BuquetClient>>()));
        return services;
    }
}
