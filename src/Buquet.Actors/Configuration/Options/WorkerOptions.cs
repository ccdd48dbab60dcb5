namespace Buquet.Actors.Configuration;

/// <summary>Worker settings (<c>buquet.worker</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>Worker id (<c>id</c>); empty generates <c>worker-</c> + 8 hex characters at start.</summary>
    /// <value>The default is empty.</value>
    public string Id { get; set; } = string.Empty;

    /// <summary>Tasks executed at once by this worker (<c>concurrency</c>).</summary>
    /// <value>The default is 8 (buquet runs one task at a time per worker).</value>
    public int Concurrency { get; set; } = BuquetDefaults.WorkerConcurrency;

    /// <summary>Per task type cap, each at most <see cref="Concurrency"/> (<c>per-type-concurrency { "type" = n }</c>).</summary>
    /// <value>The default is empty (no per-type caps).</value>
    public Dictionary<string, int> PerTypeConcurrency { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Task types this worker claims (<c>task-types</c>); empty means every type it has a handler for.</summary>
    /// <value>The default is empty.</value>
    public List<string> TaskTypes { get; set; } = [];

    /// <summary>Shards this worker polls (<c>shards</c>, env <c>BUQUET_SHARDS</c>); empty means all.</summary>
    /// <value>The default is empty.</value>
    public List<string> Shards { get; set; } = [];

    /// <summary>Keys per LIST of the ready index (<c>ready-page-size</c>, env <c>BUQUET_READY_PAGE_SIZE</c>).</summary>
    /// <value>The default is 100.</value>
    public int ReadyPageSize { get; set; } = BuquetDefaults.WorkerReadyPageSize;

    /// <summary>Length of each automatic extension of a running task's lease (<c>lease-ttl</c>); the claim itself uses the task's timeout.</summary>
    /// <value>The default is 5 min.</value>
    public TimeSpan LeaseTtl { get; set; } = BuquetDefaults.WorkerLeaseTtl;

    /// <summary>Renew a running task's lease when this fraction of it has elapsed, 0..1 (<c>lease-renew-fraction</c>); 0 turns renewal off.</summary>
    /// <value>The default is 0.5.</value>
    public double LeaseRenewFraction { get; set; } = BuquetDefaults.WorkerLeaseRenewFraction;

    /// <summary>
    /// How often the worker checks the cancel hints of the shards it runs tasks in (<c>cancel-check-interval</c>, env
    /// <c>BUQUET_CANCEL_CHECK_INTERVAL</c> in seconds, flag <c>--cancel-check-interval</c>): a cancellation requested
    /// through Buquet reaches the running handler within about this long (ADR 0017). 0 turns the checks off (requests are
    /// then seen at lease renewal only).
    /// </summary>
    /// <value>The default is 10 s.</value>
    public TimeSpan CancelCheckInterval { get; set; } = BuquetDefaults.WorkerCancelCheckInterval;

    /// <summary>
    /// Check each claimed task's input against its type's input schema (<c>schemas/{task_type}.json</c>) before the handler
    /// runs (<c>validate-input</c>, env <c>BUQUET_VALIDATE_INPUT</c>, flag <c>worker --validate-input</c>): an input that
    /// does not match fails the task for good (no retries), naming the failing paths. Types without a schema run unchecked.
    /// </summary>
    /// <value>The default is false (no schema reads).</value>
    public bool ValidateInput { get; set; }

    /// <summary>
    /// Check each handler's output against its type's output schema before the task is completed (<c>validate-output</c>,
    /// env <c>BUQUET_VALIDATE_OUTPUT</c>): an output that does not match fails the task for good (no retries), naming the
    /// failing paths; nothing of it is stored. Types without an output schema complete unchecked.
    /// </summary>
    /// <value>The default is false (no schema reads).</value>
    public bool ValidateOutput { get; set; }

    /// <summary>
    /// With <see cref="ValidateInput"/> or <see cref="ValidateOutput"/>: how long a task type's schema is used before it is read again
    /// (<c>schema-refresh-interval</c>): one GET per task type in use per interval, none per task.
    /// </summary>
    /// <value>The default is 60 s.</value>
    public TimeSpan SchemaRefreshInterval { get; set; } = BuquetDefaults.WorkerSchemaRefreshInterval;

    /// <summary>After SIGTERM/SIGINT: stop claiming and wait this long for in-flight tasks (<c>drain-deadline</c>).</summary>
    /// <value>The default is 30 s.</value>
    public TimeSpan DrainDeadline { get; set; } = BuquetDefaults.WorkerDrainDeadline;

    /// <summary>After the drain deadline: time to release leases and deregister before exit (<c>shutdown-grace</c>).</summary>
    /// <value>The default is 10 s.</value>
    public TimeSpan ShutdownGrace { get; set; } = BuquetDefaults.WorkerShutdownGrace;

    /// <summary>How often <c>workers/{id}.json</c> is rewritten (<c>heartbeat-interval</c>).</summary>
    /// <value>The default is 10 s.</value>
    public TimeSpan HeartbeatInterval { get; set; } = BuquetDefaults.WorkerHeartbeatInterval;

    /// <summary>How often <c>workers/{id}.json</c> is rewritten while the worker is idle (<c>idle-heartbeat-interval</c>);
    /// at least <see cref="HeartbeatInterval"/> and below the health threshold; back to <see cref="HeartbeatInterval"/> at once when active.</summary>
    /// <value>The default is 50 s.</value>
    public TimeSpan IdleHeartbeatInterval { get; set; } = BuquetDefaults.WorkerIdleHeartbeatInterval;

    /// <summary>
    /// Ten seconds after the worker goes idle, one aggressive compacting garbage collection returns the heap the last
    /// work left behind to the OS (<c>trim-memory-when-idle</c>; ADR 0010). Once per idle period, never while tasks run.
    /// </summary>
    /// <value>The default is true.</value>
    public bool TrimMemoryWhenIdle { get; set; } = true;

    /// <summary>
    /// Lease keys of finished executions are deleted together, one request (S3 DeleteObjects) per window, instead of one
    /// DELETE per task (<c>index-delete-batch-window</c>; 0 = one DELETE per task). Keys left by a killed worker are
    /// removed later by the lease recovery.
    /// </summary>
    /// <value>The default is 100 ms.</value>
    public TimeSpan IndexDeleteBatchWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Register the built-in handlers <c>buquet.echo</c>, <c>buquet.sleep</c>, <c>buquet.fail</c>, <c>buquet.reschedule</c> (<c>built-in-handlers</c>).</summary>
    /// <value>The default is true.</value>
    public bool BuiltInHandlers { get; set; } = BuquetDefaults.WorkerBuiltInHandlers;

    /// <summary>
    /// Directory of the append-only execution log (<c>execution-log</c>, env <c>BUQUET_EXECUTION_LOG</c>): one JSON line per
    /// handler start and per committed outcome, in a file per process (<c>exec-{id}-{pid}-{n}.jsonl</c>); used by the chaos
    /// harness to count duplicates and overlaps (docs/reliability.md). Empty turns it off.
    /// </summary>
    /// <value>The default is empty (off).</value>
    public string ExecutionLog { get; set; } = string.Empty;

    /// <summary>Polling (<c>polling</c>).</summary>
    public PollingOptions Polling { get; set; } = new();

    /// <summary>Dynamic shard ownership (<c>shard-leasing</c>).</summary>
    public ShardLeasingOptions ShardLeasing { get; set; } = new();

    /// <summary>The worker's health listener (<c>health</c>): <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
    public WorkerHealthOptions Health { get; set; } = new();
}

/// <summary>
/// The health listener of <c>buquet worker</c> (<c>buquet.worker.health</c>): <c>/healthz</c> (liveness), <c>/readyz</c>
/// (readiness) and, when Prometheus is enabled, <c>/metrics</c>, without authentication, for orchestrator probes and
/// scrapers (ADR 0016).
/// </summary>
public sealed class WorkerHealthOptions
{
    /// <summary>Serve the health endpoints (<c>enabled</c>; env <c>BUQUET_HEALTH_PORT</c> or <c>worker --health-port</c> turn it on).</summary>
    /// <value>The default is false.</value>
    public bool Enabled { get; set; } = BuquetDefaults.WorkerHealthEnabled;

    /// <summary>Address to listen on (<c>bind-address</c>); probes come from the node, so every interface by default.</summary>
    /// <value>The default is 0.0.0.0.</value>
    public string BindAddress { get; set; } = BuquetDefaults.WorkerHealthBindAddress;

    /// <summary>TCP port (<c>port</c>, env <c>BUQUET_HEALTH_PORT</c>).</summary>
    /// <value>The default is 8080.</value>
    public int Port { get; set; } = BuquetDefaults.WorkerHealthPort;
}

/// <summary>Polling settings (<c>buquet.worker.polling</c>, buquet <c>[worker.polling]</c>).</summary>
public sealed class PollingOptions
{
    /// <summary>adaptive or fixed (<c>strategy</c>, env <c>BUQUET_POLLING_STRATEGY</c>; <c>BUQUET_POLL_INTERVAL_MS</c> implies fixed).</summary>
    /// <value>The default is adaptive.</value>
    public PollingStrategy Strategy { get; set; } = BuquetDefaults.PollingStrategy;

    /// <summary>Adaptive: interval after finding work (<c>min-interval</c>, env <c>BUQUET_POLLING_MIN_INTERVAL_MS</c>).</summary>
    /// <value>The default is 100 ms.</value>
    public TimeSpan MinInterval { get; set; } = BuquetDefaults.PollingMinInterval;

    /// <summary>Adaptive: idle cap (<c>max-interval</c>, env <c>BUQUET_POLLING_MAX_INTERVAL_MS</c>).</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan MaxInterval { get; set; } = BuquetDefaults.PollingMaxInterval;

    /// <summary>Adaptive: growth per empty poll, above 1 (<c>backoff-multiplier</c>, env <c>BUQUET_POLLING_BACKOFF_MULTIPLIER</c>).</summary>
    /// <value>The default is 2.0.</value>
    public double BackoffMultiplier { get; set; } = BuquetDefaults.PollingBackoffMultiplier;

    /// <summary>Fixed: the interval (<c>interval</c>, env <c>BUQUET_POLL_INTERVAL_MS</c>).</summary>
    /// <value>The default is 500 ms.</value>
    public TimeSpan Interval { get; set; } = BuquetDefaults.PollingInterval;

    /// <summary>Random spread of each sleep as a fraction, 0..1 (<c>jitter</c>), so workers do not poll in lockstep.</summary>
    /// <value>The default is 0.1.</value>
    public double Jitter { get; set; } = BuquetDefaults.PollingJitter;

    /// <summary>
    /// While idle (nothing found for a while, nothing in flight): the period of the full ready-index LIST that finds tasks
    /// written without a wake-up hint (<c>idle-max-interval</c>); 0 turns idle mode off (the worker keeps polling at
    /// <see cref="MaxInterval"/>).
    /// </summary>
    /// <value>The default is 2 min.</value>
    public TimeSpan IdleMaxInterval { get; set; } = BuquetDefaults.PollingIdleMaxInterval;

    /// <summary>
    /// Fleet-wide target period of wake-up hint checks while idle (<c>hint-interval</c>): each idle worker HEADs the hint
    /// every fleet size × this, so the fleet together checks about once per interval.
    /// </summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan HintInterval { get; set; } = BuquetDefaults.PollingHintInterval;

    /// <summary>Cap on one idle worker's hint-check period however large the fleet (<c>max-hint-interval</c>).</summary>
    /// <value>The default is 30 s.</value>
    public TimeSpan MaxHintInterval { get; set; } = BuquetDefaults.PollingMaxHintInterval;

    /// <summary>
    /// Idle workers take turns at the full discovery LIST (<c>share-idle-discovery</c>): the fleet lists once per
    /// <see cref="IdleMaxInterval"/>, each worker in the slots of its rank among the live workers, instead of every
    /// worker once per interval; a worker that finds work this way touches the wake-up hint so the others wake too.
    /// </summary>
    /// <value>The default is true.</value>
    public bool ShareIdleDiscovery { get; set; } = true;
}

/// <summary>Shard leasing (<c>buquet.worker.shard-leasing</c>, buquet <c>[worker.shard_leasing]</c>).</summary>
public sealed class ShardLeasingOptions
{
    /// <summary>Poll only shards this worker holds a lease on (<c>enabled</c>, env <c>BUQUET_SHARD_LEASING</c>).</summary>
    /// <value>The default is false.</value>
    public bool Enabled { get; set; } = BuquetDefaults.ShardLeasingEnabled;

    /// <summary>Shard lease length (<c>lease-ttl</c>, env <c>BUQUET_SHARD_LEASING_TTL_SECS</c>).</summary>
    /// <value>The default is 30 s.</value>
    public TimeSpan LeaseTtl { get; set; } = BuquetDefaults.ShardLeasingLeaseTtl;

    /// <summary>Renewal period, below <see cref="LeaseTtl"/> (<c>renewal-interval</c>, env <c>BUQUET_SHARD_LEASING_RENEW_SECS</c>).</summary>
    /// <value>The default is 10 s.</value>
    public TimeSpan RenewalInterval { get; set; } = BuquetDefaults.ShardLeasingRenewalInterval;

    /// <summary>While the worker is idle, release its shard leases and poll every shard (<c>release-when-idle</c>);
    /// they are acquired again at once when it becomes active.</summary>
    /// <value>The default is true.</value>
    public bool ReleaseWhenIdle { get; set; } = BuquetDefaults.ShardLeasingReleaseWhenIdle;

    /// <summary>While idle (leases released), how often the live workers are counted for the fleet size (<c>idle-census-interval</c>);
    /// zero = never (the idle poller counts the fleet itself).</summary>
    /// <value>The default is zero (the poller's count is used).</value>
    public TimeSpan IdleCensusInterval { get; set; } = BuquetDefaults.ShardLeasingIdleCensusInterval;
}
