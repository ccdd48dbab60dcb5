namespace Buquet.Actors.Configuration;

/// <summary>Timeout monitor and index sweeper (<c>buquet.monitor</c>, buquet <c>[monitor]</c>).</summary>
public sealed class MonitorOptions
{
    /// <summary>Run the monitor inside the worker (<c>enabled</c>; env <c>BUQUET_NO_MONITOR</c> turns it off).</summary>
    /// <value>The default is true.</value>
    public bool Enabled { get; set; } = BuquetDefaults.MonitorEnabled;

    /// <summary>Period of the expired-lease scan (<c>check-interval</c>, env <c>BUQUET_MONITOR_CHECK_INTERVAL</c> seconds).</summary>
    /// <value>The default is 30 s.</value>
    public TimeSpan CheckInterval { get; set; } = BuquetDefaults.MonitorCheckInterval;

    /// <summary>A worker whose heartbeat is older is reported stale (<c>worker-health-threshold</c>).</summary>
    /// <value>The default is 60 s.</value>
    public TimeSpan WorkerHealthThreshold { get; set; } = BuquetDefaults.MonitorWorkerHealthThreshold;

    /// <summary>Period of the index sweeper (<c>sweep-interval</c>, env <c>BUQUET_MONITOR_SWEEP_INTERVAL</c> seconds); 0 turns it off.</summary>
    /// <value>The default is 300 s.</value>
    public TimeSpan SweepInterval { get; set; } = BuquetDefaults.MonitorSweepInterval;

    /// <summary>Keys per LIST during a sweep, 1..1000 (<c>sweep-page-size</c>).</summary>
    /// <value>The default is 1000.</value>
    public int SweepPageSize { get; set; } = BuquetDefaults.MonitorSweepPageSize;

    /// <summary>Lease keys examined per shard per check (<c>max-tasks-per-scan</c>).</summary>
    /// <value>The default is 100.</value>
    public int MaxTasksPerScan { get; set; } = BuquetDefaults.MonitorMaxTasksPerScan;

    /// <summary>continuous or on-demand (<c>sweep-mode</c>, env <c>BUQUET_SWEEPER_MODE</c>).</summary>
    /// <value>The default is continuous.</value>
    public SweepMode SweepMode { get; set; } = BuquetDefaults.MonitorSweepMode;

    /// <summary>Keys examined per continuous sweep step (<c>max-objects-per-sweep</c>, env <c>BUQUET_SWEEPER_MAX_OBJECTS_PER_SWEEP</c>).</summary>
    /// <value>The default is 1000.</value>
    public int MaxObjectsPerSweep { get; set; } = BuquetDefaults.MonitorMaxObjectsPerSweep;

    /// <summary>While the worker is idle, multiply its check and sweep intervals by the fleet size (<c>scale-idle-with-fleet</c>),
    /// so the fleet as a whole still scans about every interval.</summary>
    /// <value>The default is true.</value>
    public bool ScaleIdleWithFleet { get; set; } = BuquetDefaults.MonitorScaleIdleWithFleet;
}

/// <summary>Recurring schedules (<c>buquet.scheduler</c>).</summary>
public sealed class SchedulerOptions
{
    /// <summary>Run the scheduler in this process (<c>enabled</c>); several schedulers are safe, one leader ticks.</summary>
    /// <value>The default is true: every worker runs a scheduler; one leader ticks.</value>
    public bool Enabled { get; set; } = BuquetDefaults.SchedulerEnabled;

    /// <summary>How often due schedules are checked (<c>tick-interval</c>).</summary>
    /// <value>The default is 60 s.</value>
    public TimeSpan TickInterval { get; set; } = BuquetDefaults.SchedulerTickInterval;

    /// <summary>Scheduler leadership lease, longer than <see cref="TickInterval"/> (<c>leader-lease-ttl</c>).</summary>
    /// <value>The default is 90 s.</value>
    public TimeSpan LeaderLeaseTtl { get; set; } = BuquetDefaults.SchedulerLeaderLeaseTtl;

    /// <summary>While the worker is idle, the longest gap between a standby scheduler's looks at the leader lease; it looks just after the term it saw ends (<c>idle-standby-interval</c>).</summary>
    /// <value>The default is 5 min.</value>
    public TimeSpan IdleStandbyInterval { get; set; } = BuquetDefaults.SchedulerIdleStandbyInterval;

    /// <summary>While the worker is idle, the term the leader writes when renewing, every third of it
    /// (<c>idle-leader-lease-ttl</c>); at most <see cref="LeaderLeaseTtl"/> turns the idle slow-down off.</summary>
    /// <value>The default is 5 min.</value>
    public TimeSpan IdleLeaderLeaseTtl { get; set; } = BuquetDefaults.SchedulerIdleLeaderLeaseTtl;

    /// <summary>While the worker is idle and the last tick found no schedule, the leader's tick period
    /// (<c>idle-tick-interval</c>); a schedule created or changed touches the wake-up hint, which makes the fleet active
    /// and the leader tick at once. At most <see cref="TickInterval"/> turns the idle slow-down off.</summary>
    /// <value>The default is 5 min.</value>
    public TimeSpan IdleTickInterval { get; set; } = BuquetDefaults.SchedulerIdleTickInterval;

    /// <summary>Missed slots: one, skip or all (<c>catch-up</c>).</summary>
    /// <value>The default is one (buquet's behaviour).</value>
    public CatchUpPolicy CatchUp { get; set; } = BuquetDefaults.SchedulerCatchUp;

    /// <summary>Time zone for cron expressions that name none (<c>default-time-zone</c>, IANA id); buquet peers use UTC.</summary>
    /// <value>The default is UTC.</value>
    public string DefaultTimeZone { get; set; } = BuquetDefaults.SchedulerDefaultTimeZone;
}

/// <summary>Web dashboard (<c>buquet.dashboard</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>Address to listen on (<c>bind-address</c>); a non-loopback address needs an access token or <c>no-auth</c>.</summary>
    /// <value>The default is 127.0.0.1.</value>
    public string BindAddress { get; set; } = BuquetDefaults.DashboardBindAddress;

    /// <summary>TCP port (<c>port</c>).</summary>
    /// <value>The default is 3000.</value>
    public int Port { get; set; } = BuquetDefaults.DashboardPort;

    /// <summary>Bearer token required by the dashboard (<c>access-token</c>); redacted by <c>config show</c>.</summary>
    /// <value>The default is empty.</value>
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>Serve without authentication on any address (<c>no-auth</c>); for trusted networks only.</summary>
    /// <value>The default is false.</value>
    public bool NoAuth { get; set; }
}

/// <summary>Metrics and traces (<c>buquet.telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>OTLP endpoint for metrics and traces (<c>otlp-endpoint</c>, env <c>BUQUET_METRICS_OTLP_ENDPOINT</c>); empty turns export off.</summary>
    /// <value>The default is empty.</value>
    public string OtlpEndpoint { get; set; } = string.Empty;

    /// <summary>Expose a Prometheus scrape endpoint (<c>prometheus-enabled</c>, env <c>BUQUET_METRICS_EXPORTER=prometheus</c>).</summary>
    /// <value>The default is false.</value>
    public bool PrometheusEnabled { get; set; }

    /// <summary>Port of the Prometheus endpoint (<c>prometheus-port</c>, env <c>BUQUET_METRICS_PROMETHEUS_PORT</c>).</summary>
    /// <value>The default is 9000.</value>
    public int PrometheusPort { get; set; } = BuquetDefaults.TelemetryPrometheusPort;
}

/// <summary>Store-clock synchronisation (<c>buquet.clock</c>); task-state time decisions use the store's clock.</summary>
public sealed class ClockOptions
{
    /// <summary>How long a store-clock reading is reused before re-syncing (<c>sync-interval</c>).</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan SyncInterval { get; set; } = BuquetDefaults.ClockSyncInterval;

    /// <summary>How long a reading may be extrapolated for timestamps that decide nothing (heartbeats, due filters)
    /// before re-syncing (<c>estimate-max-age</c>); at least <see cref="SyncInterval"/>.</summary>
    /// <value>The default is 1 h.</value>
    public TimeSpan EstimateMaxAge { get; set; } = BuquetDefaults.ClockEstimateMaxAge;
}
