using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Kernel.Hosting;

/// <summary>Links the actor system and the generic host both ways.</summary>
internal sealed class ActorSystemHostedService(
    ActorSystem system,
    ActorRegistry registry,
    ActorSystemBuilder builder,
    IServiceProvider services,
    IHostApplicationLifetime lifetime) : IHostedService
{
    private readonly ILogger _logger = system.Options.LoggerFactory.CreateLogger<ActorSystemHostedService>();
    private volatile bool _hostStopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = WatchFatalAsync();
        _ = WatchTerminatedAsync();
        builder.StartActors(system, registry, services);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _hostStopping = true;
        await system.CoordinatedShutdown.RunAsync("host stopping").WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WatchFatalAsync()
    {
        var cause = await system.WhenFatal.ConfigureAwait(false);
        _logger.LogCritical(cause, "Actor system {Name} failed fatally; stopping the host with exit code {Code}", system.Name, builder.FatalExitCode);
        builder.SetExitCode(builder.FatalExitCode);
        lifetime.StopApplication();
    }

    private async Task WatchTerminatedAsync()
    {
        await system.WhenTerminated.ConfigureAwait(false);
        if (!_hostStopping)
        {
            _logger.LogWarning("Actor system {Name} terminated on its own; stopping the host", system.Name);
            lifetime.StopApplication();
        }
    }
}
