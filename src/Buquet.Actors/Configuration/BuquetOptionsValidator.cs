using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace Buquet.Actors.Configuration;

/// <summary>
/// Validates <see cref="BuquetOptions"/> at start (registered by <see cref="BuquetServiceCollectionExtensions.AddBuquetOptions"/>
/// with <c>ValidateOnStart</c>). Every message names the HOCON key, the bad value and what is allowed.
/// </summary>
public sealed partial class BuquetOptionsValidator : IValidateOptions<BuquetOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BuquetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Returns every problem (binding errors first); empty when the options are valid.</summary>
    public static IReadOnlyList<string> Check(BuquetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var v = new Checker();
        v.Errors.AddRange(options.BindingErrors);
        CheckStore(v, options.Store);
        CheckQueue(v, options.Queue);
        CheckWorker(v, options.Worker, options.Queue, options.Monitor);
        CheckServices(v, options);
        CheckCluster(v, options.Cluster);
        return v.Errors;
    }

    private static void CheckStore(Checker v, StoreOptions store)
    {
        if (store.Kind == StoreKind.Local && string.IsNullOrWhiteSpace(store.Local.Path))
        {
            v.Fail("buquet.store.local.path is empty: set the directory for the local store");
        }

        if (store.Kind == StoreKind.S3)
        {
            if (string.IsNullOrWhiteSpace(store.S3.Bucket))
            {
                v.Fail("buquet.store.s3.bucket is empty but buquet.store.kind = s3: set it (or S3_BUCKET)");
            }

            if (string.IsNullOrWhiteSpace(store.S3.Region))
            {
                v.Fail("buquet.store.s3.region is empty: set it (or S3_REGION), e.g. us-east-1");
            }

            if (string.IsNullOrEmpty(store.S3.AccessKey) != string.IsNullOrEmpty(store.S3.SecretKey))
            {
                v.Fail("buquet.store.s3.access-key and buquet.store.s3.secret-key must be set together (or both left empty to use the AWS credential chain)");
            }
        }

        v.Url("buquet.store.s3.endpoint", store.S3.Endpoint);
        v.Positive("buquet.store.request-timeout", store.RequestTimeout);
        v.Range("buquet.store.max-retries", store.MaxRetries, 0, 20);
    }

    private static void CheckQueue(Checker v, QueueOptions queue)
    {
        v.Range("buquet.queue.shard-prefix-length", queue.ShardPrefixLength, 1, 4, " (every producer and worker of the bucket must use the same value)");
        v.Range("buquet.queue.payload-offload-threshold", queue.PayloadOffloadThreshold, 1, long.MaxValue);
        v.Range("buquet.queue.max-payload-size", queue.MaxPayloadSize, 1, long.MaxValue);
        if (queue.PayloadOffloadEnabled && queue.PayloadOffloadThreshold > queue.MaxPayloadSize)
        {
            v.Fail($"buquet.queue.payload-offload-threshold = {ByteSizes.Format(queue.PayloadOffloadThreshold)} is above buquet.queue.max-payload-size = {ByteSizes.Format(queue.MaxPayloadSize)}");
        }

        v.WholeSeconds("buquet.queue.default-timeout", queue.DefaultTimeout);
        v.Range("buquet.queue.default-max-retries", queue.DefaultMaxRetries, 0, int.MaxValue);
        if (queue.DefaultMaxReschedules is < 0)
        {
            v.Fail($"buquet.queue.default-max-reschedules = {queue.DefaultMaxReschedules} is negative: use null for unlimited or a count >= 0");
        }

        v.Positive("buquet.queue.idempotency-ttl", queue.IdempotencyTtl);
        var retry = queue.RetryPolicy;
        var maxMs = TimeSpan.FromMilliseconds(uint.MaxValue);
        v.Positive("buquet.queue.retry-policy.initial-interval", retry.InitialInterval, maxMs);
        v.Positive("buquet.queue.retry-policy.max-interval", retry.MaxInterval, maxMs);
        v.Order("buquet.queue.retry-policy.initial-interval", retry.InitialInterval, "buquet.queue.retry-policy.max-interval", retry.MaxInterval);
        v.Range("buquet.queue.retry-policy.multiplier", retry.Multiplier, 1.0, 1000.0);
        v.Range("buquet.queue.retry-policy.jitter-percent", retry.JitterPercent, 0.0, 1.0);
    }

    private static void CheckWorker(Checker v, WorkerOptions worker, QueueOptions queue, MonitorOptions monitor)
    {
        if (worker.Id.Length > 0 && (worker.Id.Length > 128 || !worker.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            v.Fail($"buquet.worker.id = '{worker.Id}' is invalid: use up to 128 letters, digits, '-', '_' or '.' (it becomes the object key workers/{{id}}.json)");
        }

        v.Range("buquet.worker.concurrency", worker.Concurrency, 1, 1024);
        foreach (var (type, limit) in worker.PerTypeConcurrency)
        {
            v.Range($"buquet.worker.per-type-concurrency.\"{type}\"", limit, 1, worker.Concurrency, " (at most buquet.worker.concurrency)");
        }

        foreach (var type in worker.TaskTypes.Where(string.IsNullOrWhiteSpace))
        {
            v.Fail($"buquet.worker.task-types contains an empty entry '{type}'");
        }

        var width = queue.ShardPrefixLength;
        foreach (var shard in worker.Shards)
        {
            if (shard.Length != width || !shard.All(char.IsAsciiHexDigitLower))
            {
                v.Fail($"buquet.worker.shards contains '{shard}': each shard must be {width} lowercase hex character(s) (buquet.queue.shard-prefix-length = {width})");
            }
        }

        foreach (var duplicate in worker.Shards.GroupBy(s => s, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            v.Fail($"buquet.worker.shards lists '{duplicate.Key}' more than once");
        }

        v.Range("buquet.worker.ready-page-size", worker.ReadyPageSize, 1, 1000, " (S3 LIST returns at most 1000 keys)");
        v.Positive("buquet.worker.lease-ttl", worker.LeaseTtl);
        if (worker.LeaseRenewFraction is < 0 or >= 1)
        {
            v.Fail($"buquet.worker.lease-renew-fraction = {Checker.Num(worker.LeaseRenewFraction)} is out of range: must be at least 0 and below 1 (0 turns renewal off)");
        }

        v.NotNegative("buquet.worker.drain-deadline", worker.DrainDeadline);
        v.NotNegative("buquet.worker.cancel-check-interval", worker.CancelCheckInterval);
        v.NotNegative("buquet.worker.schema-refresh-interval", worker.SchemaRefreshInterval);
        v.NotNegative("buquet.worker.index-delete-batch-window", worker.IndexDeleteBatchWindow);
        v.NotNegative("buquet.worker.shutdown-grace", worker.ShutdownGrace);
        v.Positive("buquet.worker.heartbeat-interval", worker.HeartbeatInterval);
        v.Order("buquet.worker.heartbeat-interval", worker.HeartbeatInterval, "buquet.monitor.worker-health-threshold", monitor.WorkerHealthThreshold, strict: true);
        if (worker.HeartbeatInterval < monitor.WorkerHealthThreshold)
        {
            v.Order("buquet.worker.heartbeat-interval", worker.HeartbeatInterval, "buquet.worker.idle-heartbeat-interval", worker.IdleHeartbeatInterval);
        }

        v.Order("buquet.worker.idle-heartbeat-interval", worker.IdleHeartbeatInterval, "buquet.monitor.worker-health-threshold", monitor.WorkerHealthThreshold, strict: true);

        var polling = worker.Polling;
        v.Positive("buquet.worker.polling.min-interval", polling.MinInterval);
        v.Positive("buquet.worker.polling.max-interval", polling.MaxInterval);
        v.Positive("buquet.worker.polling.interval", polling.Interval);
        v.Order("buquet.worker.polling.min-interval", polling.MinInterval, "buquet.worker.polling.max-interval", polling.MaxInterval);
        if (polling.BackoffMultiplier <= 1.0 || polling.BackoffMultiplier > 100)
        {
            v.Fail($"buquet.worker.polling.backoff-multiplier = {Checker.Num(polling.BackoffMultiplier)} is out of range: must be above 1.0 and at most 100");
        }

        v.Range("buquet.worker.polling.jitter", polling.Jitter, 0.0, 1.0);
        v.NotNegative("buquet.worker.polling.idle-max-interval", polling.IdleMaxInterval);
        if (polling.IdleMaxInterval > TimeSpan.Zero)
        {
            v.Order("buquet.worker.polling.max-interval", polling.MaxInterval, "buquet.worker.polling.idle-max-interval", polling.IdleMaxInterval);
        }

        v.Positive("buquet.worker.polling.hint-interval", polling.HintInterval);
        v.Order("buquet.worker.polling.hint-interval", polling.HintInterval, "buquet.worker.polling.max-hint-interval", polling.MaxHintInterval);

        var leasing = worker.ShardLeasing;
        v.Positive("buquet.worker.shard-leasing.lease-ttl", leasing.LeaseTtl);
        v.Positive("buquet.worker.shard-leasing.renewal-interval", leasing.RenewalInterval);
        v.Order("buquet.worker.shard-leasing.renewal-interval", leasing.RenewalInterval, "buquet.worker.shard-leasing.lease-ttl", leasing.LeaseTtl, strict: true);
        v.NotNegative("buquet.worker.shard-leasing.idle-census-interval", leasing.IdleCensusInterval);

        var health = worker.Health;
        v.Range("buquet.worker.health.port", health.Port, 1, 65535);
        if (health.BindAddress is not "localhost" && !IPAddress.TryParse(health.BindAddress, out _))
        {
            v.Fail($"buquet.worker.health.bind-address = '{health.BindAddress}' is not an IP address or localhost (e.g. 0.0.0.0 for every interface)");
        }
    }

    private static void CheckServices(Checker v, BuquetOptions options)
    {
        var monitor = options.Monitor;
        v.Positive("buquet.monitor.check-interval", monitor.CheckInterval);
        v.Positive("buquet.monitor.worker-health-threshold", monitor.WorkerHealthThreshold);
        v.NotNegative("buquet.monitor.sweep-interval", monitor.SweepInterval);
        v.Range("buquet.monitor.sweep-page-size", monitor.SweepPageSize, 1, 1000, " (S3 LIST returns at most 1000 keys)");
        v.Range("buquet.monitor.max-tasks-per-scan", monitor.MaxTasksPerScan, 1, 1000, " (S3 LIST returns at most 1000 keys)");
        v.Range("buquet.monitor.max-objects-per-sweep", monitor.MaxObjectsPerSweep, 1, int.MaxValue);

        var retention = options.Retention;
        v.NotNegative("buquet.retention.completed", retention.Completed);
        v.NotNegative("buquet.retention.failed", retention.Failed);
        v.NotNegative("buquet.retention.cancelled", retention.Cancelled);
        v.NotNegative("buquet.retention.expired", retention.Expired);
        v.NotNegative("buquet.retention.archived", retention.Archived);
        v.Positive("buquet.retention.step-interval", retention.StepInterval);
        v.Positive("buquet.retention.pass-interval", retention.PassInterval);
        v.Range("buquet.retention.max-objects-per-step", retention.MaxObjectsPerStep, 1, 100_000);

        var scheduler = options.Scheduler;
        v.Positive("buquet.scheduler.tick-interval", scheduler.TickInterval);
        v.Order("buquet.scheduler.tick-interval", scheduler.TickInterval, "buquet.scheduler.leader-lease-ttl", scheduler.LeaderLeaseTtl, strict: true);
        v.Positive("buquet.scheduler.idle-standby-interval", scheduler.IdleStandbyInterval);
        v.Positive("buquet.scheduler.idle-leader-lease-ttl", scheduler.IdleLeaderLeaseTtl);
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(scheduler.DefaultTimeZone, out _))
        {
            v.Fail($"buquet.scheduler.default-time-zone = '{scheduler.DefaultTimeZone}' is not a known time zone: use an IANA id such as UTC or Europe/Paris");
        }

        v.Positive("buquet.workflows.sweeper.interval", options.Workflows.Sweeper.Interval);
        v.Positive("buquet.workflows.sweeper.stuck-after", options.Workflows.Sweeper.StuckAfter);

        var dashboard = options.Dashboard;
        v.Range("buquet.dashboard.port", dashboard.Port, 1, 65535);
        var loopback = dashboard.BindAddress is "localhost" || (IPAddress.TryParse(dashboard.BindAddress, out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback && dashboard.BindAddress is not ("*" or "+") && !IPAddress.TryParse(dashboard.BindAddress, out _))
        {
            v.Fail($"buquet.dashboard.bind-address = '{dashboard.BindAddress}' is not an IP address, localhost or *");
        }

        v.Url("buquet.telemetry.otlp-endpoint", options.Telemetry.OtlpEndpoint);
        v.Range("buquet.telemetry.prometheus-port", options.Telemetry.PrometheusPort, 1, 65535);
        v.Positive("buquet.clock.sync-interval", options.Clock.SyncInterval, TimeSpan.FromMinutes(5));
        v.Order("buquet.clock.sync-interval", options.Clock.SyncInterval, "buquet.clock.estimate-max-age", options.Clock.EstimateMaxAge);
        v.Positive("buquet.clock.estimate-max-age", options.Clock.EstimateMaxAge, TimeSpan.FromDays(1));
    }

    private sealed class Checker
    {
        public List<string> Errors { get; } = [];

        public static string Num(double d) => d.ToString(CultureInfo.InvariantCulture);

        public void Fail(string message) => Errors.Add(message);

        public void Range(string key, long value, long min, long max, string why = "")
        {
            if (value < min || value > max)
            {
                var range = max == long.MaxValue || max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
                Fail($"{key} = {value} is out of range: must be {range}{why}");
            }
        }

        public void Range(string key, double value, double min, double max)
        {
            if (value < min || value > max)
            {
                Fail($"{key} = {Num(value)} is out of range: must be between {Num(min)} and {Num(max)}");
            }
        }

        public void Positive(string key, TimeSpan value, TimeSpan? max = null)
        {
            if (value <= TimeSpan.Zero)
            {
                Fail($"{key} = {Durations.Format(value)} must be greater than zero");
            }
            else if (value > max)
            {
                Fail($"{key} = {Durations.Format(value)} is too long: at most {Durations.Format(max.Value)}");
            }
        }

        public void NotNegative(string key, TimeSpan value)
        {
            if (value < TimeSpan.Zero)
            {
                Fail($"{key} = {value} must not be negative");
            }
        }

        public void WholeSeconds(string key, TimeSpan value)
        {
            if (value < TimeSpan.FromSeconds(1) || value.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                Fail($"{key} = {Durations.Format(value)} must be a whole number of seconds, at least 1s (buquet stores it as timeout_seconds)");
            }
        }

        public void Order(string lowKey, TimeSpan low, string highKey, TimeSpan high, bool strict = false)
        {
            if (strict ? low >= high : low > high)
            {
                Fail($"{lowKey} = {Durations.Format(low)} must be {(strict ? "below" : "at most")} {highKey} = {Durations.Format(high)}");
            }
        }

        public void Url(string key, string value)
        {
            if (value.Length > 0 && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            {
                Fail($"{key} = '{value}' is not an absolute http(s) URL, e.g. http://localhost:9000");
            }
        }
    }
}
