namespace Buquet.Actors.Configuration;

/// <summary>
/// Every default of <see cref="BuquetOptions"/> in one place. <c>HOCON/reference.conf</c> lists the same values; a test
/// keeps the two in sync.
/// </summary>
public static class BuquetDefaults
{
    /// <summary><c>buquet.store.kind</c>.</summary>
    public const StoreKind StoreKind = Configuration.StoreKind.Local;

    /// <summary><c>buquet.store.local.path</c>.</summary>
    public const string StoreLocalPath = "./buquet-data";

    /// <summary><c>buquet.store.s3.region</c> (buquet falls back to us-east-1 too).</summary>
    public const string StoreS3Region = "us-east-1";

    /// <summary><c>buquet.store.request-timeout</c>.</summary>
    public static readonly TimeSpan StoreRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary><c>buquet.store.max-retries</c>.</summary>
    public const int StoreMaxRetries = 3;

    /// <summary><c>buquet.queue.shard-prefix-length</c> (16 shards).</summary>
    public const int QueueShardPrefixLength = 1;

    /// <summary><c>buquet.queue.payload-offload-threshold</c> (buquet: 256 KiB, offload when strictly greater).</summary>
    public const long QueuePayloadOffloadThreshold = 256 * 1024;

    /// <summary><c>buquet.queue.max-payload-size</c>.</summary>
    public const long QueueMaxPayloadSize = 10 * 1024 * 1024;

    /// <summary><c>buquet.queue.default-timeout</c> (buquet <c>timeout_seconds</c> 300).</summary>
    public static readonly TimeSpan QueueDefaultTimeout = TimeSpan.FromSeconds(300);

    /// <summary><c>buquet.queue.default-max-retries</c>.</summary>
    public const int QueueDefaultMaxRetries = 3;

    /// <summary><c>buquet.queue.idempotency-ttl</c>.</summary>
    public static readonly TimeSpan QueueIdempotencyTtl = TimeSpan.FromDays(30);

    /// <summary><c>buquet.queue.retry-policy.initial-interval</c>.</summary>
    public static readonly TimeSpan RetryInitialInterval = TimeSpan.FromSeconds(1);

    /// <summary><c>buquet.queue.retry-policy.max-interval</c>.</summary>
    public static readonly TimeSpan RetryMaxInterval = TimeSpan.FromSeconds(60);

    /// <summary><c>buquet.queue.retry-policy.multiplier</c>.</summary>
    public const double RetryMultiplier = 2.0;

    /// <summary><c>buquet.queue.retry-policy.jitter-percent</c>.</summary>
    public const double RetryJitterPercent = 0.25;

    /// <summary><c>buquet.worker.concurrency</c>.</summary>
    public const int WorkerConcurrency = 8;

    /// <summary><c>buquet.worker.ready-page-size</c>.</summary>
    public const int WorkerReadyPageSize = 100;

    /// <summary><c>buquet.worker.lease-ttl</c>.</summary>
    public static readonly TimeSpan WorkerLeaseTtl = TimeSpan.FromMinutes(5);

    /// <summary><c>buquet.worker.lease-renew-fraction</c>.</summary>
    public const double WorkerLeaseRenewFraction = 0.5;

    /// <summary><c>buquet.worker.schema-refresh-interval</c>.</summary>
    public static readonly TimeSpan WorkerSchemaRefreshInterval = TimeSpan.FromSeconds(60);

    /// <summary><c>buquet.worker.cancel-check-interval</c>.</summary>
    public static readonly TimeSpan WorkerCancelCheckInterval = TimeSpan.FromSeconds(10);

    /// <summary><c>buquet.worker.drain-deadline</c>.</summary>
    public static readonly TimeSpan WorkerDrainDeadline = TimeSpan.FromSeconds(30);

    /// <summary><c>buquet.worker.shutdown-grace</c>.</summary>
    public static readonly TimeSpan WorkerShutdownGrace = TimeSpan.FromSeconds(10);

    /// <summary><c>buquet.worker.heartbeat-interval</c>.</summary>
    public static readonly TimeSpan WorkerHeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary><c>buquet.worker.idle-heartbeat-interval</c> (under the peers' 60 s health threshold).</summary>
    public static readonly TimeSpan WorkerIdleHeartbeatInterval = TimeSpan.FromSeconds(50);

    /// <summary><c>buquet.worker.built-in-handlers</c>.</summary>
    public const bool WorkerBuiltInHandlers = true;

    /// <summary><c>buquet.worker.polling.strategy</c>.</summary>
    public const PollingStrategy PollingStrategy = Configuration.PollingStrategy.Adaptive;

    /// <summary><c>buquet.worker.polling.min-interval</c>.</summary>
    public static readonly TimeSpan PollingMinInterval = TimeSpan.FromMilliseconds(100);

    /// <summary><c>buquet.worker.polling.max-interval</c>.</summary>
    public static readonly TimeSpan PollingMaxInterval = TimeSpan.FromSeconds(5);

    /// <summary><c>buquet.worker.polling.backoff-multiplier</c>.</summary>
    public const double PollingBackoffMultiplier = 2.0;

    /// <summary><c>buquet.worker.polling.interval</c> (fixed strategy).</summary>
    public static readonly TimeSpan PollingInterval = TimeSpan.FromMilliseconds(500);

    /// <summary><c>buquet.worker.polling.jitter</c>.</summary>
    public const double PollingJitter = 0.1;

    /// <summary><c>buquet.worker.polling.idle-max-interval</c>.</summary>
    public static readonly TimeSpan PollingIdleMaxInterval = TimeSpan.FromMinutes(2);

    /// <summary><c>buquet.worker.polling.hint-interval</c>.</summary>
    public static readonly TimeSpan PollingHintInterval = TimeSpan.FromSeconds(1);

    /// <summary><c>buquet.worker.polling.max-hint-interval</c>.</summary>
    public static readonly TimeSpan PollingMaxHintInterval = TimeSpan.FromSeconds(30);

    /// <summary><c>buquet.queue.wake-hints</c>.</summary>
    public const bool QueueWakeHints = true;

    /// <summary><c>buquet.worker.shard-leasing.enabled</c>.</summary>
    public const bool ShardLeasingEnabled = true;

    /// <summary><c>buquet.worker.shard-leasing.lease-ttl</c>.</summary>
    public static readonly TimeSpan ShardLeasingLeaseTtl = TimeSpan.FromSeconds(30);

    /// <summary><c>buquet.worker.shard-leasing.renewal-interval</c>.</summary>
    public static readonly TimeSpan ShardLeasingRenewalInterval = TimeSpan.FromSeconds(10);

    /// <summary><c>buquet.worker.shard-leasing.release-when-idle</c>.</summary>
    public const bool ShardLeasingReleaseWhenIdle = true;

    /// <summary><c>buquet.worker.shard-leasing.idle-census-interval</c>.</summary>
    public static readonly TimeSpan ShardLeasingIdleCensusInterval = TimeSpan.Zero;

    /// <summary><c>buquet.worker.health.enabled</c>.</summary>
    public const bool WorkerHealthEnabled = false;

    /// <summary><c>buquet.worker.health.bind-address</c>.</summary>
    public const string WorkerHealthBindAddress = "0.0.0.0";

    /// <summary><c>buquet.worker.health.port</c>.</summary>
    public const int WorkerHealthPort = 8080;

    /// <summary><c>buquet.monitor.enabled</c>.</summary>
    public const bool MonitorEnabled = true;

    /// <summary><c>buquet.monitor.check-interval</c>.</summary>
    public static readonly TimeSpan MonitorCheckInterval = TimeSpan.FromSeconds(30);

    /// <summary><c>buquet.monitor.worker-health-threshold</c>.</summary>
    public static readonly TimeSpan MonitorWorkerHealthThreshold = TimeSpan.FromSeconds(60);

    /// <summary><c>buquet.monitor.sweep-interval</c> (zero disables the sweeper).</summary>
    public static readonly TimeSpan MonitorSweepInterval = TimeSpan.FromSeconds(300);

    /// <summary><c>buquet.monitor.sweep-page-size</c>.</summary>
    public const int MonitorSweepPageSize = 1000;

    /// <summary><c>buquet.monitor.max-tasks-per-scan</c>.</summary>
    public const int MonitorMaxTasksPerScan = 100;

    /// <summary><c>buquet.monitor.sweep-mode</c>.</summary>
    public const SweepMode MonitorSweepMode = SweepMode.Continuous;

    /// <summary><c>buquet.monitor.max-objects-per-sweep</c>.</summary>
    public const int MonitorMaxObjectsPerSweep = 1000;

    /// <summary><c>buquet.monitor.scale-idle-with-fleet</c>.</summary>
    public const bool MonitorScaleIdleWithFleet = true;

    /// <summary><c>buquet.retention.completed</c>: completed tasks are removed this long after they completed.</summary>
    public static readonly TimeSpan RetentionCompleted = TimeSpan.FromDays(7);

    /// <summary><c>buquet.retention.failed</c>.</summary>
    public static readonly TimeSpan RetentionFailed = TimeSpan.FromDays(30);

    /// <summary><c>buquet.retention.cancelled</c>.</summary>
    public static readonly TimeSpan RetentionCancelled = TimeSpan.FromDays(7);

    /// <summary><c>buquet.retention.expired</c>.</summary>
    public static readonly TimeSpan RetentionExpired = TimeSpan.FromDays(7);

    /// <summary><c>buquet.retention.archived</c> (zero: archived tasks are kept).</summary>
    public static readonly TimeSpan RetentionArchived = TimeSpan.Zero;

    /// <summary><c>buquet.retention.step-interval</c>.</summary>
    public static readonly TimeSpan RetentionStepInterval = TimeSpan.FromSeconds(1);

    /// <summary><c>buquet.retention.pass-interval</c>.</summary>
    public static readonly TimeSpan RetentionPassInterval = TimeSpan.FromMinutes(10);

    /// <summary><c>buquet.retention.max-objects-per-step</c>.</summary>
    public const int RetentionMaxObjectsPerStep = 1000;

    /// <summary><c>buquet.scheduler.enabled</c>.</summary>
    public const bool SchedulerEnabled = true;

    /// <summary><c>buquet.scheduler.tick-interval</c> (buquet <c>schedule run --interval 60</c>).</summary>
    public static readonly TimeSpan SchedulerTickInterval = TimeSpan.FromSeconds(60);

    /// <summary><c>buquet.scheduler.leader-lease-ttl</c>.</summary>
    public static readonly TimeSpan SchedulerLeaderLeaseTtl = TimeSpan.FromSeconds(90);

    /// <summary><c>buquet.scheduler.idle-standby-interval</c>.</summary>
    public static readonly TimeSpan SchedulerIdleStandbyInterval = TimeSpan.FromMinutes(5);

    /// <summary><c>buquet.scheduler.idle-tick-interval</c>.</summary>
    public static readonly TimeSpan SchedulerIdleTickInterval = TimeSpan.FromMinutes(5);

    /// <summary><c>buquet.scheduler.idle-leader-lease-ttl</c>.</summary>
    public static readonly TimeSpan SchedulerIdleLeaderLeaseTtl = TimeSpan.FromMinutes(5);

    /// <summary><c>buquet.scheduler.catch-up</c> (buquet collapses missed slots into one run).</summary>
    public const CatchUpPolicy SchedulerCatchUp = CatchUpPolicy.One;

    /// <summary><c>buquet.scheduler.default-time-zone</c> (buquet schedules are UTC only).</summary>
    public const string SchedulerDefaultTimeZone = "UTC";

    /// <summary><c>buquet.workflows.sweeper.enabled</c>.</summary>
    public const bool WorkflowSweeperEnabled = true;

    /// <summary><c>buquet.workflows.sweeper.interval</c>.</summary>
    public static readonly TimeSpan WorkflowSweeperInterval = TimeSpan.FromSeconds(60);

    /// <summary><c>buquet.workflows.sweeper.stuck-after</c>.</summary>
    public static readonly TimeSpan WorkflowSweeperStuckAfter = TimeSpan.FromMinutes(2);

    /// <summary><c>buquet.dashboard.bind-address</c>.</summary>
    public const string DashboardBindAddress = "127.0.0.1";

    /// <summary><c>buquet.dashboard.port</c> (buquet <c>serve --port 3000</c>).</summary>
    public const int DashboardPort = 3000;

    /// <summary><c>buquet.telemetry.prometheus-port</c> (buquet <c>BUQUET_METRICS_PROMETHEUS_PORT</c> 9000).</summary>
    public const int TelemetryPrometheusPort = 9000;

    /// <summary><c>buquet.clock.sync-interval</c> (buquet re-reads the store's clock at most every 5 s).</summary>
    public static readonly TimeSpan ClockSyncInterval = TimeSpan.FromSeconds(5);

    /// <summary><c>buquet.clock.estimate-max-age</c>.</summary>
    public static readonly TimeSpan ClockEstimateMaxAge = TimeSpan.FromHours(1);

    /// <summary><c>buquet.cluster.enabled</c>.</summary>
    public const bool ClusterEnabled = false;

    /// <summary><c>buquet.cluster.port</c>.</summary>
    public const int ClusterPort = 4053;

    /// <summary><c>buquet.cluster.bind-hostname</c>.</summary>
    public const string ClusterBindHostname = "0.0.0.0";

    /// <summary><c>buquet.cluster.down-unreachable-after</c>.</summary>
    public static readonly TimeSpan ClusterDownUnreachableAfter = TimeSpan.FromSeconds(15);

    /// <summary><c>buquet.cluster.rejoin-delay</c>.</summary>
    public static readonly TimeSpan ClusterRejoinDelay = TimeSpan.FromSeconds(5);

    /// <summary><c>buquet.cluster.discovery</c>.</summary>
    public const ClusterDiscovery ClusterDiscoveryMethod = ClusterDiscovery.Seeds;

    /// <summary><c>buquet.cluster.required-contact-points</c>: 1, so a one-replica Deployment forms a cluster (Akka's default, 2, never would).</summary>
    public const int ClusterRequiredContactPoints = 1;

    /// <summary><c>buquet.cluster.kubernetes.label-selector</c> (the labels of deploy/k8s/deployment.yaml).</summary>
    public const string ClusterKubernetesLabelSelector = "app=buquet-worker";
}
