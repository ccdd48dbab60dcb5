using System.Collections;
using Akka.Actor;
using Akka.Hosting;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Buquet.Actors.Tests.Hosting;

/// <summary>A worker supervisor that dies outside coordinated shutdown stops the host with the fatal exit code.</summary>
public sealed class FatalWatchTests
{
    private static (IHost Host, TaskCompletionSource<int> ExitCode) BuildHost()
    {
        var exitCode = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var config = BuquetConfiguration.Build(null, new Hashtable(), [
            new("buquet:store:kind", "memory"),
            new("buquet:monitor:enabled", "false"),
            new("buquet:scheduler:enabled", "false"),
        ]);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IObjectStore>(new InMemoryObjectStore(TimeProvider.System));
        builder.Services.AddBuquet(config).AddBuquetWorker(b =>
        {
            b.FatalExitCode = 3;
            b.SetExitCode = code => exitCode.TrySetResult(code);
        });
        return (builder.Build(), exitCode);
    }

    [Fact]
    public async Task WorkerSupervisorStops_OutsideShutdown_HostStopsWithFatalExitCode()
    {
        var (host, exitCode) = BuildHost();
        using var _ = host;
        await host.StartAsync();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());
        var supervisor = await host.Services.GetRequiredService<IRequiredActor<BuquetWorker>>().GetAsync();

        host.Services.GetRequiredService<ActorSystem>().Stop(supervisor);

        Assert.Equal(3, await exitCode.Task.WaitAsync(TimeSpan.FromSeconds(15)));
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(15));

        // The drain phase does not wait for a dead supervisor (its timeout is drain deadline + grace + 10 s = 45 s).
        await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task HostStops_Normally_NoFatalExitCode()
    {
        var (host, exitCode) = BuildHost();
        using var _ = host;
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();

        await host.StopAsync();
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.False(exitCode.Task.IsCompleted, "a drained shutdown is not fatal");
    }
}
