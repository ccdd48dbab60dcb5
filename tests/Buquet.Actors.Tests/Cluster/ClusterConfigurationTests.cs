using System.Collections;
using Akka.Configuration;
using Buquet.Actors.Cluster;
using Buquet.Actors.Configuration;

namespace Buquet.Actors.Tests.Cluster;

/// <summary><c>buquet.cluster</c> (ADR 0026): layers, validation with clear errors, and the Akka settings it produces.</summary>
public sealed class ClusterConfigurationTests
{
    [Fact]
    public void Load_Defaults_ClusterOff()
    {
        var options = BuquetOptions.Load(BuquetConfiguration.Build([], new Hashtable()));

        Assert.False(options.Cluster.Enabled);
        Assert.Equal(4053, options.Cluster.Port);
        Assert.Empty(options.Cluster.SeedNodes);
    }

    [Fact]
    public void Load_EnvironmentVariables_SetEveryClusterKey()
    {
        var env = new Hashtable
        {
            ["BUQUET_CLUSTER_ENABLED"] = "true", ["BUQUET_CLUSTER_PORT"] = "4100", ["BUQUET_CLUSTER_BIND_HOSTNAME"] = "10.0.0.5",
            ["BUQUET_CLUSTER_PUBLIC_HOSTNAME"] = "worker-1", ["BUQUET_CLUSTER_SEED_NODES"] = "worker-1:4100, worker-2:4100",
        };

        var cluster = BuquetOptions.Load(BuquetConfiguration.Build([], env)).Cluster;

        Assert.True(cluster.Enabled);
        Assert.Equal(4100, cluster.Port);
        Assert.Equal("10.0.0.5", cluster.BindHostname);
        Assert.Equal("worker-1", cluster.PublicHostname);
        Assert.Equal(["worker-1:4100", "worker-2:4100"], cluster.SeedNodes);
    }

    [Fact]
    public void Load_Flags_SetTheClusterKeys()
    {
        var flags = BuquetCommandLine.Map([new("cluster", "true"), new("cluster-port", "0"), new("cluster-public-hostname", "10.1.2.3"), new("cluster-seed-nodes", "10.1.2.3:4053")]);

        var cluster = BuquetOptions.Load(BuquetConfiguration.Build([], new Hashtable(), flags)).Cluster;

        Assert.True(cluster.Enabled);
        Assert.Equal(0, cluster.Port);
        Assert.Equal("10.1.2.3", cluster.PublicHostname);
        Assert.Equal(["10.1.2.3:4053"], cluster.SeedNodes);
    }

    public static TheoryData<Action<ClusterOptions>, string> BadValues() => new()
    {
        { c => c.Enabled = true, "buquet.cluster.public-hostname is empty but buquet.cluster.enabled = true" },
        { c => { c.Enabled = true; c.PublicHostname = "w1"; c.SeedNodes.Add("akka.tcp://buquet-fleet@w1:4053"); }, "buquet.cluster.seed-nodes entry 'akka.tcp://buquet-fleet@w1:4053': expected host:port" },
        { c => { c.Enabled = true; c.PublicHostname = "w1"; c.SeedNodes.Add("w1:99999"); }, "buquet.cluster.seed-nodes entry 'w1:99999': port '99999' is not a number in 1..65535" },
        { c => { c.Enabled = true; c.PublicHostname = "w1"; c.SeedNodes.Add("::1:4053"); }, "an IPv6 host goes in brackets" },
        { c => c.Port = 70000, "buquet.cluster.port = 70000 is out of range: must be between 0 and 65535" },
        { c => c.DownUnreachableAfter = TimeSpan.Zero, "buquet.cluster.down-unreachable-after = 0s must be greater than zero" },
        { c => c.RequiredContactPoints = 0, "buquet.cluster.required-contact-points = 0 is out of range: must be at least 1" },
        { c => { Kubernetes(c); c.SeedNodes.Add("w1:4053"); }, "buquet.cluster.seed-nodes = [w1:4053] must be empty with buquet.cluster.discovery = kubernetes-api" },
        { c => { Kubernetes(c); c.Port = 0; }, "buquet.cluster.port = 0 with buquet.cluster.discovery = kubernetes-api" },
        { c => { Kubernetes(c); c.Kubernetes.LabelSelector = " "; }, "buquet.cluster.kubernetes.label-selector = ' ' is not a label selector" },
        { c => { Kubernetes(c); c.Kubernetes.LabelSelector = "app={0}"; }, "buquet.cluster.kubernetes.label-selector = 'app={0}' is not a label selector" },
    };

    private static void Kubernetes(ClusterOptions c)
    {
        c.Enabled = true;
        c.PublicHostname = "10.1.2.3";
        c.Discovery = ClusterDiscovery.KubernetesApi;
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Check_BadClusterValue_NamesKeyAndValue(Action<ClusterOptions> change, string expected)
    {
        var options = new BuquetOptions();
        change(options.Cluster);

        var errors = BuquetOptionsValidator.Check(options);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_KubernetesKeysByEnvironmentAndFlags_SetDiscoverySettings()
    {
        var env = new Hashtable
        {
            ["BUQUET_CLUSTER_DISCOVERY"] = "kubernetes-api", ["BUQUET_CLUSTER_REQUIRED_CONTACT_POINTS"] = "3",
            ["BUQUET_CLUSTER_KUBERNETES_LABEL_SELECTOR"] = "app=fleet", ["BUQUET_CLUSTER_KUBERNETES_NAMESPACE"] = "jobs",
        };
        var flags = BuquetCommandLine.Map([new("cluster-label-selector", "app=fleet,tier=workers"), new("cluster-required-contact-points", "2")]);

        var fromEnv = BuquetOptions.Load(BuquetConfiguration.Build([], env)).Cluster;
        var fromFlags = BuquetOptions.Load(BuquetConfiguration.Build([], env, flags)).Cluster;
        var defaults = BuquetOptions.Load(BuquetConfiguration.Build([], new Hashtable())).Cluster;

        Assert.Equal((ClusterDiscovery.KubernetesApi, 3, "app=fleet", "jobs"), (fromEnv.Discovery, fromEnv.RequiredContactPoints, fromEnv.Kubernetes.LabelSelector, fromEnv.Kubernetes.Namespace));
        Assert.Equal((2, "app=fleet,tier=workers"), (fromFlags.RequiredContactPoints, fromFlags.Kubernetes.LabelSelector));
        Assert.Equal((ClusterDiscovery.Seeds, 1, "app=buquet-worker", ""), (defaults.Discovery, defaults.RequiredContactPoints, defaults.Kubernetes.LabelSelector, defaults.Kubernetes.Namespace));
    }

    [Fact]
    public void Load_UnknownDiscovery_ErrorNamesTheKey()
    {
        var env = new Hashtable { ["BUQUET_CLUSTER_DISCOVERY"] = "dns" };

        var error = Assert.Throws<BuquetConfigurationException>(() => BuquetOptions.Load(BuquetConfiguration.Build([], env)));

        Assert.Contains(error.Errors, e => e.Contains("buquet.cluster.discovery", StringComparison.Ordinal) && e.Contains("kubernetes-api", StringComparison.Ordinal));
    }

    [Fact]
    public void ToConfig_KubernetesApi_DiscoveryMethodSelectorNamespaceAndNoSeeds()
    {
        var options = new ClusterOptions { Enabled = true, PublicHostname = "10.1.2.3", Discovery = ClusterDiscovery.KubernetesApi };
        options.Kubernetes.Namespace = "jobs";

        var config = FleetClusterSettings.FromOptions(options).ToConfig();

        Assert.Equal("kubernetes-api", config.GetString("akka.discovery.method"));
        Assert.Equal("app=buquet-worker", config.GetString("akka.discovery.kubernetes-api.pod-label-selector"));
        Assert.Equal("jobs", config.GetString("akka.discovery.kubernetes-api.pod-namespace"));
        Assert.StartsWith("Akka.Discovery.KubernetesApi.KubernetesApiServiceDiscovery", config.GetString("akka.discovery.kubernetes-api.class"), StringComparison.Ordinal);
        Assert.Equal(1, config.GetInt(FleetBootstrapSettings.RequiredContactPointsPath));
        Assert.Empty(config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("10.1.2.3", config.GetString("akka.remote.dot-netty.tcp.public-hostname"));
    }

    [Fact]
    public void ToConfig_Seeds_NoDiscoverySettings()
    {
        var options = new ClusterOptions { Enabled = true, PublicHostname = "w1" };

        var settings = FleetClusterSettings.FromOptions(options);

        Assert.Null(settings.Bootstrap);
        Assert.False(settings.ToConfig().HasPath(FleetBootstrapSettings.RequiredContactPointsPath));
    }

    [Fact]
    public void Check_DisabledWithoutHostname_IsValid()
    {
        var options = new BuquetOptions();
        options.Cluster.SeedNodes.Add("not a seed"); // only checked when the cluster is on

        Assert.Empty(BuquetOptionsValidator.Check(options));
    }

    [Fact]
    public void ToConfig_Settings_ClusterProviderSeedsAndNoShutdownWhenDowned()
    {
        var settings = new FleetClusterSettings("0.0.0.0", "worker-1", 4053, ["worker-1:4053", "[::1]:4054"], TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5));

        var config = settings.ToConfig();

        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal("worker-1", config.GetString("akka.remote.dot-netty.tcp.public-hostname"));
        Assert.Equal(4053, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(["akka.tcp://buquet-fleet@worker-1:4053", "akka.tcp://buquet-fleet@[::1]:4054"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.False(config.GetBoolean("akka.cluster.run-coordinated-shutdown-when-down"));
        Assert.False(config.GetBoolean("akka.coordinated-shutdown.exit-clr"));
        Assert.StartsWith(typeof(PeerDowningProvider).FullName!, config.GetString("akka.cluster.downing-provider-class"), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(15), config.GetTimeSpan(FleetClusterSettings.DownUnreachableAfterPath));
    }

    [Fact]
    public void ToConfig_Extra_WinsOverGenerated()
    {
        var settings = new FleetClusterSettings("127.0.0.1", "127.0.0.1", 0, [], TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5))
        {
            Extra = ConfigurationFactory.ParseString("akka.cluster.seed-node-timeout = 2s"),
        };

        Assert.Equal(TimeSpan.FromSeconds(2), settings.ToConfig().GetTimeSpan("akka.cluster.seed-node-timeout"));
    }
}
