using System.Collections;
using Akka.Actor;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Tests.Hosting;

/// <summary>What a hosted worker says at start about its handlers.</summary>
public sealed class WorkerInstanceTests
{
    private static IHost BuildHost(bool builtIns, Action<BuquetWorkerBuilder> handlers, params ILoggerProvider[] logs) =>
        BuildHost(builtIns, handlers, [], logs);

    private static IHost BuildHost(bool builtIns, Action<BuquetWorkerBuilder> handlers, KeyValuePair<string, string?>[] settings, params ILoggerProvider[] logs)
    {
        var config = BuquetConfiguration.Build(null, new Hashtable(), [
            new("buquet:store:kind", "memory"),
            new("buquet:monitor:enabled", "false"),
            new("buquet:scheduler:enabled", "false"),
            new("buquet:worker:built-in-handlers", builtIns ? "true" : "false"),
            .. settings,
        ]);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        foreach (var provider in logs)
        {
            builder.Logging.AddProvider(provider);
        }

        builder.Services.AddSingleton<IObjectStore>(new InMemoryObjectStore(TimeProvider.System));
        builder.Services.AddBuquet(config).AddBuquetWorker(b =>
        {
            handlers(b);
            b.SetExitCode = _ => { };
        });
        return builder.Build();
    }

    [Fact]
    public async Task Start_NoHandlers_LogsAWarningNamingHowToRegisterThem()
    {
        var logs = new AkkaLoggingTests.CapturingLoggerProvider("NO task handlers");
        using var host = BuildHost(builtIns: false, _ => { }, logs);

        await host.StartAsync();
        await logs.Seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await host.StopAsync();

        var (level, _, message) = Assert.Single(logs.Matching);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("AddHandler", message, StringComparison.Ordinal);
        Assert.Contains("buquet.worker.built-in-handlers", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAHandler_LogsNoWarning()
    {
        var started = new AkkaLoggingTests.CapturingLoggerProvider("starting: concurrency");
        var warning = new AkkaLoggingTests.CapturingLoggerProvider("NO task handlers");
        using var host = BuildHost(builtIns: false, b => b.AddHandler<object, string>("mine", (_, _) => Task.FromResult("ok")), started, warning);

        await host.StartAsync();
        await started.Seen.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the start line follows the check
        await host.StopAsync();

        Assert.Empty(warning.Matching);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Start_WorkflowsAndSweeperSetting_StartsTheSweeperOnlyWhenEnabled(bool enabled)
    {
        var started = new AkkaLoggingTests.CapturingLoggerProvider("starting: concurrency");
        using var host = BuildHost(builtIns: true, _ => { }, [new("buquet:workflows:sweeper:enabled", enabled ? "true" : "false")], started);

        await host.StartAsync();
        await started.Seen.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the sweeper is started right after this line
        var sweeper = await host.Services.GetRequiredService<ActorSystem>().ActorSelection("/user/workflow-sweeper")
            .Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(5));
        await host.StopAsync();

        Assert.Equal(enabled, sweeper.Subject is not null);
    }
}
