using Buquet.Actors.Kernel;
using Buquet.Actors.Kernel.Hosting;
using Buquet.Actors.Kernel.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Kernel;

public sealed class HostingTests
{
    private sealed class PingKey;

    private static IHost BuildHost(Action<ActorSystemBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        builder.Services.AddActorSystem("hosted", configure);
        return builder.Build();
    }

    [Fact]
    public async Task AddActorSystem_HostStarted_ActorsRegisteredAndReachable()
    {
        using var host = BuildHost(b => b.WithActors((system, registry, _) =>
            registry.Register<PingKey>(system.ActorOf(FuncActor.Props(a => a.On<string>(s => a.CurrentSender!.Tell("pong:" + s))), "ping"))));
        await host.StartAsync();

        var registry = host.Services.GetRequiredService<ActorRegistry>();
        var reply = await registry.Get<PingKey>().Ask<string>("x", KernelTest.Guard);

        Assert.Equal("pong:x", reply);
        Assert.IsType<FakeTimeProvider>(host.Services.GetRequiredService<ActorSystem>().TimeProvider);
        await host.StopAsync();
    }

    [Fact]
    public async Task StopAsync_HostStopping_RunsCoordinatedShutdownAndTerminates()
    {
        var drained = false;
        using var host = BuildHost(b => b.WithActors((system, _, _) =>
            system.CoordinatedShutdown.AddTask(CoordinatedShutdown.Drain, "drain", _ =>
            {
                drained = true;
                return Task.CompletedTask;
            })));
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();

        await host.StopAsync().WaitAsync(KernelTest.Guard);

        Assert.True(drained);
        Assert.True(system.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task FatalFailure_EscalatedToGuardian_StopsHostWithNonZeroExitCode()
    {
        var exitCode = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(b =>
        {
            b.SetExitCode = code => exitCode.TrySetResult(code);
            b.WithOptions((_, o) => o with { GuardianStrategy = new OneForOneStrategy(_ => Directive.Escalate) });
            b.WithActors((system, registry, _) =>
                registry.Register<PingKey>(system.ActorOf(FuncActor.Props(a => a.On<string>(_ => throw new Boom("fatal"))))));
        });
        await host.StartAsync();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());

        host.Services.GetRequiredService<ActorRegistry>().Get<PingKey>().Tell("crash");

        Assert.Equal(1, await exitCode.Task.WaitAsync(KernelTest.Guard));
        await stopping.Task.WaitAsync(KernelTest.Guard);
        await host.StopAsync().WaitAsync(KernelTest.Guard);
    }

    [Fact]
    public void Registry_MissingOrDuplicateKey_ThrowsNamingKey()
    {
        var registry = new ActorRegistry();
        var probe = new TestProbe(TestActorSystem.Create(new FakeTimeProvider()));
        registry.Register<PingKey>(probe);

        Assert.Contains("PingKey", Assert.Throws<InvalidOperationException>(() => registry.Register<PingKey>(probe)).Message, StringComparison.Ordinal);
        Assert.Contains("String", Assert.Throws<KeyNotFoundException>(() => registry.Get<string>()).Message, StringComparison.Ordinal);
        Assert.True(registry.TryGet<PingKey>(out var found));
        Assert.Same(probe, found);
    }
}
