using System.Collections;
using Buquet.Actors.Configuration;
using static Buquet.Host.Tests.Deploy.DeployManifests;

namespace Buquet.Host.Tests.Deploy;

/// <summary>
/// The clustered fleet as deploy/ configures it (docs/cluster.md "Bootstrap", ADR 0028): Kubernetes finds peers through
/// the pod list (RBAC, the pod IP as address, the remoting port, a NetworkPolicy admitting only the fleet), compose lists
/// every worker as a seed. Read from the files; <see cref="DeployFilesTests"/> runs them.
/// </summary>
public sealed class DeployClusterTests
{
    private static readonly IReadOnlyList<Dictionary<string, object>> Docs = KubernetesDocuments();

    [Fact]
    public void KubernetesRbac_Role_AllowsPodReadsOnlyToTheDeploymentsServiceAccount()
    {
        var account = Str(Pod()["serviceAccountName"]);
        var binding = Kind("RoleBinding");
        var role = Kind("Role");

        Assert.Equal(account, Name(Kind("ServiceAccount")));
        Assert.Contains(List(binding["subjects"]).Select(Map), s => Str(s["kind"]) == "ServiceAccount" && Str(s["name"]) == account);
        Assert.Equal(("Role", Name(role)), (Str(Map(binding["roleRef"])["kind"]), Str(Map(binding["roleRef"])["name"])));
        var rule = Map(Assert.Single(List(role["rules"])));
        Assert.Equal([""], List(rule["apiGroups"]).Select(Str));
        Assert.Equal(["pods"], List(rule["resources"]).Select(Str));
        Assert.Equal(["get", "list", "watch"], List(rule["verbs"]).Select(Str).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void KubernetesDeployment_Cluster_DiscoversPodsByItsLabelsAndAdvertisesThePodIp()
    {
        var container = Map(List(Pod()["containers"])[0]);
        var cluster = ConfigMapOptions().Cluster;

        Assert.True(cluster.Enabled);
        Assert.Equal(ClusterDiscovery.KubernetesApi, cluster.Discovery);
        Assert.Equal(1, cluster.RequiredContactPoints); // one replica still forms (and an HPA may scale to one)
        Assert.Empty(cluster.SeedNodes);
        Assert.True(Selects(cluster.Kubernetes.LabelSelector, PodLabels()), $"{cluster.Kubernetes.LabelSelector} does not select the pod labels");
        var hostname = List(container["env"]).Select(Map).Single(e => Str(e["name"]) == "BUQUET_CLUSTER_PUBLIC_HOSTNAME");
        Assert.Equal("status.podIP", Str(Map(Map(hostname["valueFrom"])["fieldRef"])["fieldPath"]));
        var remoting = List(container["ports"]).Select(Map).Single(p => Str(p["name"]) == "remoting");
        Assert.Equal(cluster.Port, Int(remoting["containerPort"]));
    }

    [Fact]
    public void KubernetesNetworkPolicy_Remoting_AdmitsOnlyTheFleetsPods()
    {
        var policy = Map(Kind("NetworkPolicy")["spec"]);
        var remotingPort = ConfigMapOptions().Cluster.Port;

        Assert.Equal(PodLabels(), Labels(Map(policy["podSelector"])));
        Assert.Contains("Ingress", List(policy["policyTypes"]).Select(Str));
        var admitting = List(policy["ingress"]).Select(Map).Where(r => List(r.GetValueOrDefault("ports")).Select(Map).Any(p => Int(p["port"]) == remotingPort)).ToList();
        var rule = Assert.Single(admitting);
        var from = Map(Assert.Single(List(rule["from"])));
        Assert.Equal(["podSelector"], from.Keys);
        Assert.Equal(PodLabels(), Labels(Map(from["podSelector"])));
        Assert.DoesNotContain(List(policy["ingress"]).Select(Map), r => !r.ContainsKey("ports")); // no rule admits every port
    }

    [Fact]
    public void ComposeWorkers_Seeds_AreEveryWorkersPublicHostnameAndPort()
    {
        var workers = ComposeServices().Where(s => s.Key.StartsWith("worker", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => Options(Map(Map(s.Value)["environment"]).ToDictionary(e => Str(e.Key), e => Str(e.Value))).Cluster);

        Assert.True(workers.Count >= 2, "a clustered compose fleet has several workers");
        var advertised = workers.Select(w => $"{w.Value.PublicHostname}:{w.Value.Port}").Order(StringComparer.Ordinal).ToList();
        Assert.All(workers, w =>
        {
            Assert.True(w.Value.Enabled, $"{w.Key}: cluster off");
            Assert.Equal(w.Key, w.Value.PublicHostname); // the service name is its host name on the project network
            Assert.Equal(advertised, w.Value.SeedNodes.Order(StringComparer.Ordinal));
            Assert.Equal(workers.Values.First().SeedNodes, w.Value.SeedNodes); // the same list, in the same order, everywhere
        });
    }

    /// <summary>The options the ConfigMap's buquet.conf gives a pod (with the pod IP as the downward API sets it).</summary>
    private static BuquetOptions ConfigMapOptions()
    {
        using var mounts = new Support.TempDirectory();
        var file = Path.Combine(mounts.Path, "buquet.conf");
        File.WriteAllText(file, Str(Map(Kind("ConfigMap")["data"])["buquet.conf"]));
        return Options(new Dictionary<string, string> { ["BUQUET_CLUSTER_PUBLIC_HOSTNAME"] = PodIp, ["S3_BUCKET"] = "b" }, file);
    }

    private static BuquetOptions Options(IDictionary<string, string> env, string? file = null) =>
        BuquetOptions.Load(BuquetConfiguration.Build(file is null ? [] : [file], new Hashtable(env.ToDictionary(e => e.Key, e => (object)e.Value))));

    private static bool Selects(string selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Split(',').Select(t => t.Split('=', 2)).All(t => labels.TryGetValue(t[0].Trim(), out var v) && v == t[1].Trim());

    private static Dictionary<string, object> Pod() => Map(Map(Map(Kind("Deployment")["spec"])["template"])["spec"]);

    private static Dictionary<string, string> PodLabels() =>
        Map(Map(Map(Map(Kind("Deployment")["spec"])["template"])["metadata"])["labels"]).ToDictionary(p => p.Key, p => Str(p.Value));

    private static Dictionary<string, string> Labels(Dictionary<string, object> selector) =>
        Map(selector["matchLabels"]).ToDictionary(p => p.Key, p => Str(p.Value));

    private static Dictionary<string, object> Kind(string kind) => Docs.Single(d => Str(d["kind"]) == kind);

    private static string Name(Dictionary<string, object> doc) => Str(Map(doc["metadata"])["name"]);
}
