using Akka.Actor;
using Akka.Configuration;
using Buquet.Actors.Configuration;
using Buquet.Actors.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Runtime;

/// <summary><see cref="BuquetActorSystem"/>: the <c>akka</c> section of buquet's layered configuration rendered for Akka.</summary>
public sealed class BuquetActorSystemTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private static Config Render(IDictionary<string, string?> values) =>
        BuquetActorSystem.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    private static Config RenderHocon(params string[] layers)
    {
        var builder = new ConfigurationBuilder();
        foreach (var layer in layers)
        {
            builder.AddHoconString(layer);
        }

        return BuquetActorSystem.FromConfiguration(builder.Build());
    }

    [Fact]
    public void FromConfiguration_NestedObjects_ReadBackByPath()
    {
        var config = Render(new Dictionary<string, string?>
        {
            ["akka:actor:debug:receive"] = "on",
            ["akka:actor:default-dispatcher:throughput"] = "30",
            ["akka:remote:dot-netty:tcp:hostname"] = "10.0.0.7",
        });

        Assert.True(config.GetBoolean("akka.actor.debug.receive"));
        Assert.Equal(30, config.GetInt("akka.actor.default-dispatcher.throughput"));
        Assert.Equal("10.0.0.7", config.GetString("akka.remote.dot-netty.tcp.hostname"));
    }

    [Fact]
    public void FromConfiguration_LoggersArrayOfTwelve_StringListInIndexOrder()
    {
        var values = new Dictionary<string, string?>();
        var expected = Enumerable.Range(0, 12).Select(i => $"Logger{i}, Assembly{i}").ToList();
        for (var i = 11; i >= 0; i--)
        {
            values[$"akka:loggers:{i}"] = expected[i];
        }

        var config = Render(values);

        Assert.Equal(expected, config.GetStringList("akka.loggers"));
    }

    [Fact]
    public void FromConfiguration_StringsWithQuotesBackslashesAndControlCharacters_ReadBackUnchanged()
    {
        const string Tricky = "say \"hi\" to C:\\temp\\ \t tab \n newline ${NOT_A_SUBSTITUTION} # not a comment // nor this";
        var config = Render(new Dictionary<string, string?> { ["akka:custom:text"] = Tricky, ["akka:custom:empty"] = string.Empty });

        Assert.Equal(Tricky, config.GetString("akka.custom.text"));
        Assert.Equal(string.Empty, config.GetString("akka.custom.empty"));
    }

    [Fact]
    public void FromConfiguration_KeyContainingDots_StaysOneKey()
    {
        var config = Render(new Dictionary<string, string?> { ["akka:actor:serialization-bindings:System.Object"] = "json" });

        var bindings = config.GetConfig("akka.actor.serialization-bindings").AsEnumerable().ToList();

        var binding = Assert.Single(bindings);
        Assert.Equal("System.Object", binding.Key);
        Assert.Equal("json", binding.Value.GetString());
    }

    [Fact]
    public void FromConfiguration_HoconDurationsBooleansNumbersAndArrays_AkkaReadsThemTyped()
    {
        var config = RenderHocon(
            """
            akka {
              actor.ask-timeout = 10s
              coordinated-shutdown.phases.service-stop.timeout = 1500ms
              log-dead-letters-during-shutdown = off
              actor.debug.lifecycle = on
              actor.default-dispatcher.throughput = 42
              loggers = ["Akka.Event.DefaultLogger", "Buquet.Logging.AkkaLogger, Buquet.Actors"]
            }
            """);

        Assert.Equal(TimeSpan.FromSeconds(10), config.GetTimeSpan("akka.actor.ask-timeout"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), config.GetTimeSpan("akka.coordinated-shutdown.phases.service-stop.timeout"));
        Assert.False(config.GetBoolean("akka.log-dead-letters-during-shutdown", true));
        Assert.True(config.GetBoolean("akka.actor.debug.lifecycle"));
        Assert.Equal(42, config.GetInt("akka.actor.default-dispatcher.throughput"));
        Assert.Equal(["Akka.Event.DefaultLogger", "Buquet.Logging.AkkaLogger, Buquet.Actors"], config.GetStringList("akka.loggers"));
    }

    [Fact]
    public void FromConfiguration_NoAkkaSection_ConfigEmpty()
    {
        var config = RenderHocon("buquet { worker.concurrency = 4 }");

        Assert.True(config.IsEmpty);
        Assert.Same(Config.Empty, config);
    }

    [Fact]
    public async Task Create_ConfigFromHoconLayers_SystemHasTheLayeredSettings()
    {
        var config = RenderHocon(
            "akka { loglevel = INFO \n coordinated-shutdown.phases.service-stop.timeout = 3s }",
            "akka { loglevel = DEBUG \n coordinated-shutdown.phases.service-stop.timeout = 7s }");

        var system = BuquetActorSystem.Create("layered", new FakeTimeProvider(), config);
        try
        {
            Assert.Equal("DEBUG", system.Settings.LogLevel);
            Assert.Equal(TimeSpan.FromSeconds(7), system.Settings.Config.GetTimeSpan("akka.coordinated-shutdown.phases.service-stop.timeout"));
            Assert.Equal(TimeSpan.FromSeconds(7), CoordinatedShutdown.Get(system).Timeout(CoordinatedShutdown.PhaseServiceStop));
            Assert.IsType<TimeProviderScheduler>(system.Scheduler); // defaults still apply under the given config
            Assert.False(system.Settings.Config.GetBoolean("akka.coordinated-shutdown.run-by-clr-shutdown-hook", true));
        }
        finally
        {
            await system.Terminate().WaitAsync(Guard);
        }
    }

    [Fact]
    public async Task Create_NoConfig_BuquetDefaultsApply()
    {
        var clock = new FakeTimeProvider();

        var system = BuquetActorSystem.Create("defaults", clock);
        try
        {
            Assert.Equal("WARNING", system.Settings.LogLevel);
            Assert.Same(clock, Assert.IsType<TimeProviderScheduler>(system.Scheduler).Clock);
            Assert.False(system.Settings.Config.GetBoolean("akka.log-dead-letters-during-shutdown", true));
        }
        finally
        {
            await system.Terminate().WaitAsync(Guard);
        }
    }
}
