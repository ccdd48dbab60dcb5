using System.Collections;
using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Tests.Hosting;

/// <summary>Akka's log in a hosted worker: routed to Microsoft.Extensions.Logging once, at buquet's akka.loglevel.</summary>
public sealed class AkkaLoggingTests
{
    private static IHost BuildHost(CapturingLoggerProvider logs, string? akkaLogLevel)
    {
        var overrides = new List<KeyValuePair<string, string?>>
        {
            new("buquet:store:kind", "memory"),
            new("buquet:monitor:enabled", "false"),
            new("buquet:scheduler:enabled", "false"),
        };
        if (akkaLogLevel is not null)
        {
            overrides.Add(new("akka:loglevel", akkaLogLevel));
        }

        var config = BuquetConfiguration.Build(null, new Hashtable(), overrides);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<IObjectStore>(new InMemoryObjectStore(TimeProvider.System));
        builder.Services.AddBuquet(config).AddBuquetWorker(b => b.SetExitCode = _ => { });
        return builder.Build();
    }

    [Fact]
    public async Task AddBuquetWorker_AkkaLogsAWarning_ReachesMicrosoftLoggingExactlyOnce()
    {
        var logs = new CapturingLoggerProvider("marker-7d1");
        using var host = BuildHost(logs, akkaLogLevel: null);
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();

        system.Log.Warning("probe {0}", "marker-7d1");
        await logs.Seen.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await host.StopAsync();

        Assert.Equal("INFO", system.Settings.LogLevel, ignoreCase: true); // reference.conf's akka.loglevel
        Assert.Single(logs.Matching);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, logs.Matching.Single().Level);
    }

    [Fact]
    public async Task AddBuquetWorker_AkkaLogLevelErrorInBuquetConfiguration_AkkaRunsAtErrorLevel()
    {
        var logs = new CapturingLoggerProvider("marker-e42");
        using var host = BuildHost(logs, akkaLogLevel: "ERROR");
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();

        Assert.Equal("ERROR", system.Settings.LogLevel, ignoreCase: true);
        system.Log.Warning("probe {0} (below the level)", "marker-e42");
        system.Log.Error("probe {0}", "marker-e42"); // the event stream keeps order: a delivered warning would come first
        await logs.Seen.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await host.StopAsync();

        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, Assert.Single(logs.Matching).Level);
    }

    [Fact]
    public void AddBuquetWorker_BadAkkaLogLevel_HostRefusesToStartNamingTheKey()
    {
        var ex = Assert.Throws<BuquetConfigurationException>(() =>
        {
            using var host = BuildHost(new CapturingLoggerProvider("x"), akkaLogLevel: "LOUD");
            host.Services.GetRequiredService<ActorSystem>();
        });

        Assert.Contains("akka.loglevel", ex.Errors[0], StringComparison.Ordinal);
    }

    /// <summary>Collects log lines that contain a marker; completes <see cref="Seen"/> at the first.</summary>
    internal sealed class CapturingLoggerProvider(string marker) : ILoggerProvider
    {
        public string Marker { get; } = marker;

        public ConcurrentQueue<(Microsoft.Extensions.Logging.LogLevel Level, string Category, string Message)> Matching { get; } = new();

        public TaskCompletionSource Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var message = formatter(state, exception);
                if (message.Contains(owner.Marker, StringComparison.Ordinal))
                {
                    owner.Matching.Enqueue((logLevel, category, message));
                    owner.Seen.TrySetResult();
                }
            }
        }
    }
}
