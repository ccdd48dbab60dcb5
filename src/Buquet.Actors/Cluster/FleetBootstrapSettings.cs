using System.Globalization;
using Akka.Configuration;
using Akka.Discovery.KubernetesApi;
using Buquet.Actors.Configuration;

namespace Buquet.Actors.Cluster;

/// <summary>
/// Seeds found by discovery (<c>buquet.cluster.discovery = kubernetes-api</c>, ADR 0028, INTERNAL API): the fleet
/// system asks Akka.Discovery (the Kubernetes API's list of running pods matching <see cref="LabelSelector"/>) for
/// its peers' remoting addresses and, once at least <see cref="RequiredContactPoints"/> are known (this node
/// included), joins them as seed nodes, lowest address first (<see cref="SeedDiscovery"/>).
/// </summary>
/// <param name="RequiredContactPoints">Pods known before joining (1: a one-replica Deployment forms a cluster of itself).</param>
/// <param name="LabelSelector">Kubernetes label selector of the fleet's pods.</param>
/// <param name="Namespace">Namespace whose pods are listed; empty = the pod's own (its service account's).</param>
internal sealed record FleetBootstrapSettings(int RequiredContactPoints, string LabelSelector, string Namespace)
{
    /// <summary>The service name looked up (the Kubernetes selector is given in full, so it only names the lookup).</summary>
    public const string ServiceName = FleetClusterSettings.SystemName;

    /// <summary>The container port name discovery returns: the pods' remoting port (deploy/k8s/deployment.yaml).</summary>
    public const string PortName = "remoting";

    /// <summary>Where <see cref="SeedDiscoveryActor"/> reads <see cref="RequiredContactPoints"/> in the system's config.</summary>
    public const string RequiredContactPointsPath = "buquet-fleet.bootstrap.required-contact-points";

    /// <summary>Settings from validated options, or null with <c>discovery = seeds</c>.</summary>
    public static FleetBootstrapSettings? FromOptions(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Discovery == ClusterDiscovery.KubernetesApi
            ? new FleetBootstrapSettings(options.RequiredContactPoints, options.Kubernetes.LabelSelector, options.Kubernetes.Namespace)
            : null;
    }

    /// <summary>Akka.Discovery set to the Kubernetes API (with its own defaults), and the seed look-up's settings.</summary>
    public Config ToConfig()
    {
        if (RequiredContactPoints < 1)
        {
            throw new BuquetConfigurationException($"buquet.cluster.required-contact-points = {RequiredContactPoints} is out of range: must be at least 1");
        }

        var podNamespace = string.IsNullOrWhiteSpace(Namespace) ? string.Empty : $"pod-namespace = {FleetClusterSettings.Quote(Namespace)}";
        var text = string.Create(CultureInfo.InvariantCulture, $$"""
            akka.discovery {
              method = kubernetes-api
              kubernetes-api {
                pod-label-selector = {{FleetClusterSettings.Quote(LabelSelector)}}
                {{podNamespace}}
              }
            }
            {{RequiredContactPointsPath}} = {{RequiredContactPoints}}
            """);
        return ConfigurationFactory.ParseString(text).WithFallback(KubernetesDiscovery.DefaultConfiguration());
    }
}
