using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Buquet.Actors.Configuration;

/// <summary>Registers <see cref="BuquetOptions"/> with binding from configuration and validation at host start.</summary>
public static class BuquetServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="BuquetOptions"/> from the <c>buquet</c> section of <paramref name="configuration"/> and validates it
    /// with <see cref="BuquetOptionsValidator"/> when the host starts (<c>ValidateOnStart</c>): bad values stop the host
    /// with an <see cref="OptionsValidationException"/> listing every problem.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">Configuration, typically from <see cref="BuquetConfiguration.Build"/>.</param>
    /// <returns>The options builder, for further configuration.</returns>
    public static OptionsBuilder<BuquetOptions> AddBuquetOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BuquetOptions>, BuquetOptionsValidator>());
        return services.AddOptions<BuquetOptions>()
            .Configure(options => BuquetOptionsBinder.BindInto(configuration, options))
            .ValidateOnStart();
    }
}
