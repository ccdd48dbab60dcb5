using System.Globalization;

namespace Buquet.Actors.Configuration;

/// <summary>Checks of <c>buquet.cluster</c> (ADR 0026).</summary>
public sealed partial class BuquetOptionsValidator
{
    private static void CheckCluster(Checker v, ClusterOptions cluster)
    {
        v.Range("buquet.cluster.port", cluster.Port, 0, 65535);
        v.Positive("buquet.cluster.down-unreachable-after", cluster.DownUnreachableAfter);
        v.Positive("buquet.cluster.rejoin-delay", cluster.RejoinDelay);
        v.Range("buquet.cluster.required-contact-points", cluster.RequiredContactPoints, 1, int.MaxValue);
        if (!cluster.Enabled)
        {
            return;
        }

        if (cluster.Discovery == ClusterDiscovery.KubernetesApi)
        {
            CheckKubernetes(v, cluster);
        }

        if (cluster.Tls.Enabled && !File.Exists(cluster.Tls.CertificatePath))
        {
            v.Fail($"buquet.cluster.tls.certificate-path = '{cluster.Tls.CertificatePath}' is not a file but buquet.cluster.tls.enabled = true: name the fleet's PKCS#12 certificate (env BUQUET_CLUSTER_TLS_CERTIFICATE_PATH)");
        }

        if (string.IsNullOrWhiteSpace(cluster.PublicHostname))
        {
            v.Fail("buquet.cluster.public-hostname is empty but buquet.cluster.enabled = true: set the host name or IP peers reach this process at (env BUQUET_CLUSTER_PUBLIC_HOSTNAME, flag --cluster-public-hostname; POD_IP in Kubernetes)");
        }

        if (string.IsNullOrWhiteSpace(cluster.BindHostname))
        {
            v.Fail("buquet.cluster.bind-hostname is empty: set the address to listen on (0.0.0.0 for every interface)");
        }

        foreach (var seed in cluster.SeedNodes)
        {
            if (!ClusterSeedNode.TryParse(seed, out _, out _, out var error))
            {
                v.Fail($"buquet.cluster.seed-nodes entry '{seed}': {error}");
            }
        }
    }

    private static void CheckKubernetes(Checker v, ClusterOptions cluster)
    {
        if (cluster.SeedNodes.Count > 0)
        {
            v.Fail($"buquet.cluster.seed-nodes = [{string.Join(", ", cluster.SeedNodes)}] must be empty with buquet.cluster.discovery = kubernetes-api: the seeds are the pods the Kubernetes API lists");
        }

        if (cluster.Port == 0)
        {
            v.Fail("buquet.cluster.port = 0 with buquet.cluster.discovery = kubernetes-api: peers dial the pods at one fixed port (4053 by default, the Deployment's containerPort named remoting)");
        }

        var selector = cluster.Kubernetes.LabelSelector;
        if (string.IsNullOrWhiteSpace(selector) || selector.Contains('{', StringComparison.Ordinal) || selector.Contains('}', StringComparison.Ordinal))
        {
            v.Fail($"buquet.cluster.kubernetes.label-selector = '{selector}' is not a label selector: name the fleet's pod labels, e.g. app=buquet-worker (the Deployment's spec.template.metadata.labels)");
        }
    }
}

/// <summary>A seed node entry of <c>buquet.cluster.seed-nodes</c>: <c>host:port</c>.</summary>
public static class ClusterSeedNode
{
    /// <summary>Parses <c>host:port</c> (a bracketed IPv6 host such as <c>[::1]:4053</c> too).</summary>
    /// <param name="text">The entry.</param>
    /// <param name="host">The host name or address.</param>
    /// <param name="port">The TCP port, 1..65535.</param>
    /// <param name="error">Why the entry is unusable, or null.</param>
    /// <returns>True when the entry is usable.</returns>
    public static bool TryParse(string? text, out string host, out int port, out string? error)
    {
        host = string.Empty;
        port = 0;
        var value = text?.Trim() ?? string.Empty;
        var colon = value.LastIndexOf(':');
        if (value.Contains("://", StringComparison.Ordinal) || colon <= 0 || colon == value.Length - 1)
        {
            error = "expected host:port, e.g. worker-1:4053 (the same list on every node)";
            return false;
        }

        host = value[..colon];
        if (host.Contains(':', StringComparison.Ordinal) && !(host.StartsWith('[') && host.EndsWith(']')))
        {
            error = "an IPv6 host goes in brackets, e.g. [::1]:4053";
            return false;
        }

        if (!int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            error = $"port '{value[(colon + 1)..]}' is not a number in 1..65535";
            return false;
        }

        error = null;
        return true;
    }
}
