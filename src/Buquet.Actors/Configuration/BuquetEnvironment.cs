using System.Collections;
using System.Globalization;

namespace Buquet.Actors.Configuration;

/// <summary>
/// Maps buquet's environment variables (protocol §6.4: <c>S3_*</c>, <c>AWS_*</c>, <c>BUQUET_*</c>) onto Buquet keys, so a
/// mixed Rust/Python/.NET fleet can share one env file.
/// </summary>
internal static class BuquetEnvironment
{
    private const string Store = "buquet:store";
    private const string Worker = "buquet:worker";
    private const string Polling = "buquet:worker:polling";
    private const string Leasing = "buquet:worker:shard-leasing";
    private const string Monitor = "buquet:monitor";
    private const string Telemetry = "buquet:telemetry";
    private const string Cluster = "buquet:cluster";

    /// <summary>The buquet variables this mapping reads, for documentation and <c>config show</c>.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "S3_BUCKET", "S3_ENDPOINT", "S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN", "BUQUET_ALLOW_NO_VERSIONING", "BUQUET_SHARD_PREFIX_LEN", "BUQUET_POLL_INTERVAL_MS",
        "BUQUET_SHARDS", "BUQUET_READY_PAGE_SIZE", "BUQUET_NO_MONITOR", "BUQUET_POLLING_STRATEGY",
        "BUQUET_POLLING_MIN_INTERVAL_MS", "BUQUET_POLLING_MAX_INTERVAL_MS", "BUQUET_POLLING_BACKOFF_MULTIPLIER", "BUQUET_SHARD_LEASING",
        "BUQUET_SHARD_LEASING_TTL_SECS", "BUQUET_SHARD_LEASING_RENEW_SECS",
        "BUQUET_MONITOR_CHECK_INTERVAL", "BUQUET_MONITOR_WORKER_HEALTH_THRESHOLD", "BUQUET_MONITOR_SWEEP_INTERVAL",
        "BUQUET_MONITOR_SWEEP_PAGE_SIZE", "BUQUET_MONITOR_MAX_TASKS_PER_SCAN", "BUQUET_SWEEPER_MAX_OBJECTS_PER_SWEEP",
        "BUQUET_SWEEPER_MODE", "BUQUET_METRICS_EXPORTER", "BUQUET_METRICS_PROMETHEUS_PORT", "BUQUET_METRICS_OTLP_ENDPOINT",
        "BUQUET_EXECUTION_LOG", "BUQUET_CANCEL_CHECK_INTERVAL", "BUQUET_HEALTH_PORT", "BUQUET_VALIDATE_INPUT",
        "BUQUET_CLUSTER_ENABLED", "BUQUET_CLUSTER_PORT", "BUQUET_CLUSTER_BIND_HOSTNAME", "BUQUET_CLUSTER_PUBLIC_HOSTNAME", "BUQUET_CLUSTER_SEED_NODES",
        "BUQUET_CLUSTER_DISCOVERY", "BUQUET_CLUSTER_REQUIRED_CONTACT_POINTS",
        "BUQUET_CLUSTER_KUBERNETES_LABEL_SELECTOR", "BUQUET_CLUSTER_KUBERNETES_NAMESPACE", "BUQUET_CLUSTER_TLS_ENABLED",
        "BUQUET_CLUSTER_TLS_CERTIFICATE_PATH", "BUQUET_CLUSTER_TLS_CERTIFICATE_PASSWORD",
    ];

    /// <summary>Reads an environment dictionary (as from <see cref="Environment.GetEnvironmentVariables()"/>) into string pairs.</summary>
    public static Dictionary<string, string> ToStrings(IDictionary environment)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string key && entry.Value is not null)
            {
                result[key] = entry.Value.ToString() ?? string.Empty;
            }
        }

        return result;
    }

    /// <summary>Maps the variables that are set; throws listing every variable with an unusable value.</summary>
    public static Dictionary<string, string?> Map(IReadOnlyDictionary<string, string> env)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        string? Get(string name) => env.TryGetValue(name, out var v) ? v : null;

        void Text(string name, string key)
        {
            if (Get(name) is { } v)
            {
                data[key] = v;
            }
        }

        void Int(string name, string key, string suffix = "")
        {
            if (Get(name) is { } v)
            {
                if (long.TryParse(v.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0)
                {
                    data[key] = n.ToString(CultureInfo.InvariantCulture) + suffix;
                }
                else
                {
                    errors.Add($"environment variable {name} = '{v}' is not a whole number >= 0");
                }
            }
        }

        void Bool(string name, string key, bool invert = false)
        {
            if (Get(name) is { } v)
            {
                if (BuquetOptionsBinder.TryParseBool(v.Trim(), out var b))
                {
                    data[key] = (b != invert) ? "true" : "false";
                }
                else
                {
                    errors.Add($"environment variable {name} = '{v}' is not a boolean: use true/false, 1/0, yes/no or on/off");
                }
            }
        }

        if (Get("S3_BUCKET") is { Length: > 0 } bucket)
        {
            data[$"{Store}:kind"] = "s3";
            data[$"{Store}:s3:bucket"] = bucket;
        }

        if (Get("S3_ENDPOINT") is { } endpoint)
        {
            data[$"{Store}:s3:endpoint"] = endpoint;
            if (endpoint.Length > 0)
            {
                data[$"{Store}:s3:force-path-style"] = "true";
            }
        }

        var region = new[] { "S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION" }.Select(Get).FirstOrDefault(r => !string.IsNullOrEmpty(r));
        if (region is not null)
        {
            data[$"{Store}:s3:region"] = region;
        }

        Text("AWS_ACCESS_KEY_ID", $"{Store}:s3:access-key");
        Text("AWS_SECRET_ACCESS_KEY", $"{Store}:s3:secret-key");
        Text("AWS_SESSION_TOKEN", $"{Store}:s3:session-token");
        Bool("BUQUET_ALLOW_NO_VERSIONING", $"{Store}:s3:allow-no-versioning");
        Int("BUQUET_SHARD_PREFIX_LEN", "buquet:queue:shard-prefix-length");
        if (Get("BUQUET_POLL_INTERVAL_MS") is not null)
        {
            data[$"{Polling}:strategy"] = "fixed";
            Int("BUQUET_POLL_INTERVAL_MS", $"{Polling}:interval", "ms");
        }

        Text("BUQUET_SHARDS", $"{Worker}:shards");
        Int("BUQUET_READY_PAGE_SIZE", $"{Worker}:ready-page-size");
        Text("BUQUET_EXECUTION_LOG", $"{Worker}:execution-log");
        Int("BUQUET_CANCEL_CHECK_INTERVAL", $"{Worker}:cancel-check-interval", "s");
        Bool("BUQUET_VALIDATE_INPUT", $"{Worker}:validate-input");
        Bool("BUQUET_VALIDATE_OUTPUT", $"{Worker}:validate-output");
        if (Get("BUQUET_HEALTH_PORT") is not null)
        {
            // A port given for the health listener turns it on (as worker --health-port does).
            data[$"{Worker}:health:enabled"] = "true";
            Int("BUQUET_HEALTH_PORT", $"{Worker}:health:port");
        }

        Bool("BUQUET_NO_MONITOR", $"{Monitor}:enabled", invert: true);
        Text("BUQUET_POLLING_STRATEGY", $"{Polling}:strategy");
        Int("BUQUET_POLLING_MIN_INTERVAL_MS", $"{Polling}:min-interval", "ms");
        Int("BUQUET_POLLING_MAX_INTERVAL_MS", $"{Polling}:max-interval", "ms");
        Text("BUQUET_POLLING_BACKOFF_MULTIPLIER", $"{Polling}:backoff-multiplier");
        Bool("BUQUET_SHARD_LEASING", $"{Leasing}:enabled");
        Int("BUQUET_SHARD_LEASING_TTL_SECS", $"{Leasing}:lease-ttl", "s");
        Int("BUQUET_SHARD_LEASING_RENEW_SECS", $"{Leasing}:renewal-interval", "s");
        Int("BUQUET_MONITOR_CHECK_INTERVAL", $"{Monitor}:check-interval", "s");
        Int("BUQUET_MONITOR_WORKER_HEALTH_THRESHOLD", $"{Monitor}:worker-health-threshold", "s");
        Int("BUQUET_MONITOR_SWEEP_INTERVAL", $"{Monitor}:sweep-interval", "s");
        Int("BUQUET_MONITOR_SWEEP_PAGE_SIZE", $"{Monitor}:sweep-page-size");
        Int("BUQUET_MONITOR_MAX_TASKS_PER_SCAN", $"{Monitor}:max-tasks-per-scan");
        Int("BUQUET_SWEEPER_MAX_OBJECTS_PER_SWEEP", $"{Monitor}:max-objects-per-sweep");
        Text("BUQUET_SWEEPER_MODE", $"{Monitor}:sweep-mode");
        MapMetrics(Get("BUQUET_METRICS_EXPORTER"), Get("BUQUET_METRICS_OTLP_ENDPOINT"), data);
        Int("BUQUET_METRICS_PROMETHEUS_PORT", $"{Telemetry}:prometheus-port");
        Bool("BUQUET_CLUSTER_ENABLED", $"{Cluster}:enabled");
        Int("BUQUET_CLUSTER_PORT", $"{Cluster}:port");
        Text("BUQUET_CLUSTER_BIND_HOSTNAME", $"{Cluster}:bind-hostname");
        Text("BUQUET_CLUSTER_PUBLIC_HOSTNAME", $"{Cluster}:public-hostname");
        Text("BUQUET_CLUSTER_SEED_NODES", $"{Cluster}:seed-nodes");
        Text("BUQUET_CLUSTER_DISCOVERY", $"{Cluster}:discovery");
        Int("BUQUET_CLUSTER_REQUIRED_CONTACT_POINTS", $"{Cluster}:required-contact-points");
        Text("BUQUET_CLUSTER_KUBERNETES_LABEL_SELECTOR", $"{Cluster}:kubernetes:label-selector");
        Text("BUQUET_CLUSTER_KUBERNETES_NAMESPACE", $"{Cluster}:kubernetes:namespace");
        Bool("BUQUET_CLUSTER_TLS_ENABLED", $"{Cluster}:tls:enabled");
        Text("BUQUET_CLUSTER_TLS_CERTIFICATE_PATH", $"{Cluster}:tls:certificate-path");
        Text("BUQUET_CLUSTER_TLS_CERTIFICATE_PASSWORD", $"{Cluster}:tls:certificate-password");

        return errors.Count > 0 ? throw new BuquetConfigurationException(errors) : data;
    }

    private static void MapMetrics(string? exporter, string? otlpEndpoint, Dictionary<string, string?> data)
    {
        // statsd and datadog exporters exist only in buquet (Rust); a shared env file naming them is not an error here.
        switch (exporter?.Trim().ToUpperInvariant())
        {
            case "PROMETHEUS":
                data[$"{Telemetry}:prometheus-enabled"] = "true";
                break;
            case "OTLP" or "OPENTELEMETRY":
                data[$"{Telemetry}:otlp-endpoint"] = otlpEndpoint ?? "http://localhost:4317";
                break;
        }

        if (otlpEndpoint is not null)
        {
            data[$"{Telemetry}:otlp-endpoint"] = otlpEndpoint;
        }
    }
}
