using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Hosting.Logging;
using Buquet.Actors.Configuration;
using Buquet.Actors.Runtime;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Cluster;

/// <summary>The clustered fleet's settings (ADR 0026), from <c>buquet.cluster</c> (INTERNAL API).</summary>
/// <param name="BindHostname">Address the remoting listener binds.</param>
/// <param name="PublicHostname">Host name or IP peers reach this process at.</param>
/// <param name="Port">Remoting TCP port; 0 = any free port.</param>
/// <param name="SeedNodes">Seeds as <c>host:port</c>; empty = form a cluster alone.</param>
/// <param name="DownUnreachableAfter">A peer unreachable this long is downed by the reachable side's leader.</param>
/// <param name="RejoinDelay">Wait before a stopped cluster system is replaced by a new one.</param>
internal sealed record FleetClusterSettings(
    string BindHostname,
    string PublicHostname,
    int Port,
    IReadOnlyList<string> SeedNodes,
    TimeSpan DownUnreachableAfter,
    TimeSpan RejoinDelay)
{
    /// <summary>The cluster's actor system name: every member uses it (it is part of each member's address).</summary>
    public const string SystemName = "buquet-fleet";

    /// <summary>Where the downing actor reads <see cref="DownUnreachableAfter"/> in the system's config.</summary>
    public const string DownUnreachableAfterPath = "buquet-fleet.down-unreachable-after";

    /// <summary>Further Akka settings (tests: quicker failure detection); they win over the generated ones.</summary>
    public Config? Extra { get; init; }

    /// <summary>Seeds found by discovery (ADR 0028); null = the seed nodes.</summary>
    public FleetBootstrapSettings? Bootstrap { get; init; }

    /// <summary>Mutual TLS on remoting (ADR 0028); null = plain TCP.</summary>
    public FleetTlsSettings? Tls { get; init; }

    /// <summary>Settings from validated options (<see cref="BuquetOptionsValidator"/> has checked the seeds).</summary>
    public static FleetClusterSettings FromOptions(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new FleetClusterSettings(options.BindHostname, options.PublicHostname, options.Port, [.. options.SeedNodes], options.DownUnreachableAfter, options.RejoinDelay)
        {
            Bootstrap = FleetBootstrapSettings.FromOptions(options),
            Tls = FleetTlsSettings.FromOptions(options),
        };
    }

    /// <summary>The Akka address of a <c>host:port</c> seed entry (<paramref name="protocol"/> <c>akka.ssl.tcp</c> with TLS).</summary>
    public static string SeedAddress(string seed, string protocol = "akka.tcp") =>
        ClusterSeedNode.TryParse(seed, out var host, out var port, out var error)
            ? string.Create(CultureInfo.InvariantCulture, $"{protocol}://{SystemName}@{host}:{port}")
            : throw new BuquetConfigurationException($"buquet.cluster.seed-nodes entry '{seed}': {error}");

    /// <summary>
    /// The fleet system's Akka settings: cluster provider on DotNetty TCP, our downing provider (never downs this node),
    /// no coordinated shutdown when downed and no CLR exit whatever happens (ADR 0026); unpooled remoting buffers
    /// (<see cref="RemotingBuffers"/>, ADR 0029).
    /// </summary>
    public Config ToConfig()
    {
        var seeds = string.Join(", ", SeedNodes.Select(s => Quote(SeedAddress(s, Tls is null ? "akka.tcp" : "akka.ssl.tcp"))));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $$"""
            akka {
              actor.provider = cluster
              remote.dot-netty.tcp {
                hostname = {{Quote(BindHostname)}}
                public-hostname = {{Quote(PublicHostname)}}
                port = {{Port}}
                enable-pooling = off
              }
              cluster {
                seed-nodes = [{{seeds}}]
                downing-provider-class = "{{typeof(PeerDowningProvider).FullName}}, Buquet.Actors"
                run-coordinated-shutdown-when-down = off
                log-info = off
              }
              coordinated-shutdown.exit-clr = off
              coordinated-shutdown.run-by-clr-shutdown-hook = off
            }
            {{DownUnreachableAfterPath}} = {{(long)DownUnreachableAfter.TotalMilliseconds}}ms
            """);
        var config = ConfigurationFactory.ParseString(text.ToString());
        if (Bootstrap is not null)
        {
            config = SeedNodes.Count > 0
                ? throw new BuquetConfigurationException("buquet.cluster.seed-nodes must be empty with buquet.cluster.discovery = kubernetes-api (cluster bootstrap finds the peers)")
                : config.WithFallback(Bootstrap.ToConfig());
        }

        if (Tls is not null)
        {
            config = FleetTlsSettings.ToConfig().WithFallback(config);
        }

        return Extra is null ? config : Extra.WithFallback(config);
    }

    /// <summary>
    /// How each fleet system is created: <see cref="ToConfig"/> over buquet's system defaults, timers on
    /// <paramref name="time"/>, Akka's log into <paramref name="logs"/>, and the TLS setup when TLS is on.
    /// </summary>
    public ActorSystemSetup ToSetup(TimeProvider time, ILoggerFactory logs)
    {
        var config = BuquetActorSystem.Clock(time).WithFallback(ToConfig()).WithFallback(BuquetActorSystem.Defaults)
            .WithFallback(ConfigurationFactory.ParseString("akka.loggers = [\"Akka.Hosting.Logging.LoggerFactoryLogger, Akka.Hosting\"]"));
        var setup = BootstrapSetup.Create().WithConfig(config).And(new LoggerFactorySetup(logs));
        return Tls is { } tls ? setup.And(tls.Setup()) : setup; // mutual TLS, peers pinned to the fleet's certificate (ADR 0028)
    }

    internal static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
