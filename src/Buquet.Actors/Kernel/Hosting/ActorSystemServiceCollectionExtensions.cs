using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Kernel.Hosting;

/// <summary>Registers an actor system whose life follows the .NET generic host.</summary>
public static class ActorSystemServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ActorSystem"/>, <see cref="ActorRegistry"/> and a hosted service: host start creates the
    /// configured actors, host stop runs the coordinated shutdown, and a fatal actor-system failure stops the host
    /// with a non-zero exit code. Uses the container's <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> when registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The system name.</param>
    /// <param name="configure">Configures options and actors.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddActorSystem(this IServiceCollection services, string name, Action<ActorSystemBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var builder = new ActorSystemBuilder(name);
        configure?.Invoke(builder);
        services.AddSingleton(builder);
        services.AddSingleton<ActorRegistry>();
        services.AddSingleton(sp =>
        {
            var defaults = new ActorSystemOptions
            {
                TimeProvider = sp.GetService<TimeProvider>() ?? TimeProvider.System,
                LoggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            };
            return ActorSystem.Create(name, builder.BuildOptions(sp, defaults));
        });
        services.AddSingleton<IHostedService, ActorSystemHostedService>();
        return services;
    }
}
