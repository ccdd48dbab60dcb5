using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Runtime;

/// <summary>
/// Akka.NET configuration for buquet's actor systems. Akka's settings (<c>akka { … }</c>) live in the same HOCON files
/// and layers as buquet's and are read by buquet's own parser (ADR 0005), then handed to Akka as rendered HOCON.
/// </summary>
public static class BuquetActorSystem
{
    /// <summary>The assembly-qualified name Akka loads for <c>akka.scheduler.implementation</c>.</summary>
    public const string SchedulerImplementation = "Buquet.Actors.Runtime.TimeProviderScheduler, Buquet.Actors";

    /// <summary>
    /// Defaults of a system buquet creates itself, besides its scheduler (<see cref="Clock"/>): warnings only on the
    /// console (hosts route Akka's log to Microsoft.Extensions.Logging instead), no dead-letter noise during shutdown, and
    /// the generic host (not a CLR exit hook) running coordinated shutdown.
    /// </summary>
    public static Config Defaults { get; } = ConfigurationFactory.ParseString(
        """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters-during-shutdown = off
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """);

    /// <summary>Config that runs the system's scheduler on <paramref name="clock"/> (see <see cref="TimeProviderScheduler"/>).</summary>
    /// <param name="clock">The clock for every actor timer.</param>
    /// <returns>The config, to be used for exactly one actor system.</returns>
    public static Config Clock(TimeProvider clock) => ConfigurationFactory.ParseString(
        $"""
        akka.scheduler.implementation = "{SchedulerImplementation}"
        {TimeProviderScheduler.ClockKeyPath} = "{TimeProviderScheduler.Register(clock)}"
        """);

    /// <summary>Creates a standalone system (CLI commands, tests) whose timers run on <paramref name="clock"/>.</summary>
    /// <param name="name">The system name.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="config">Further settings, which win over the defaults.</param>
    /// <returns>The running system.</returns>
    public static ActorSystem Create(string name, TimeProvider clock, Config? config = null)
    {
        var merged = Clock(clock);
        if (config is not null)
        {
            merged = merged.WithFallback(config);
        }

        return ActorSystem.Create(name, merged.WithFallback(Defaults));
    }

    /// <summary>Renders the <c>akka</c> section of layered configuration as HOCON for Akka (empty when absent).</summary>
    /// <param name="configuration">Configuration built by buquet's layers.</param>
    /// <returns>The <c>akka</c> settings.</returns>
    public static Config FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("akka");
        if (!section.GetChildren().Any())
        {
            return Config.Empty;
        }

        var text = new StringBuilder("akka ");
        Render(section, text);
        return ConfigurationFactory.ParseString(text.ToString());
    }

    private static void Render(IConfigurationSection section, StringBuilder text)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            text.Append(Quote(section.Value ?? string.Empty));
            return;
        }

        var indexes = children.Select(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).ToList();
        if (indexes.All(i => i >= 0))
        {
            text.Append('[');
            foreach (var (child, i) in children.Zip(indexes).OrderBy(p => p.Second).Select((p, i) => (p.First, i)))
            {
                text.Append(i == 0 ? string.Empty : ", ");
                Render(child, text);
            }

            text.Append(']');
            return;
        }

        text.Append("{\n");
        foreach (var child in children)
        {
            text.Append(Quote(child.Key)).Append(" = ");
            Render(child, text);
            text.Append('\n');
        }

        text.Append('}');
    }

    private static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }
}
