namespace Buquet.Actors.Configuration;

/// <summary>Queue layout and task defaults (<c>buquet.queue</c>). All producers and workers of a bucket must agree on <see cref="ShardPrefixLength"/>.</summary>
public sealed class QueueOptions
{
    /// <summary>Hex characters of the task id used as shard, 1..4 (<c>shard-prefix-length</c>, env <c>BUQUET_SHARD_PREFIX_LEN</c>).</summary>
    /// <value>The default is 1 (16 shards).</value>
    public int ShardPrefixLength { get; set; } = BuquetDefaults.QueueShardPrefixLength;

    /// <summary>Store large inputs/outputs as separate <c>payloads/</c> objects (<c>payload-offload-enabled</c>).</summary>
    /// <value>The default is false (buquet offloads only on request).</value>
    public bool PayloadOffloadEnabled { get; set; }

    /// <summary>Payloads strictly larger than this are offloaded when offloading is on (<c>payload-offload-threshold</c>).</summary>
    /// <value>The default is 256 KiB.</value>
    public long PayloadOffloadThreshold { get; set; } = BuquetDefaults.QueuePayloadOffloadThreshold;

    /// <summary>Largest input or output, as compact JSON (<c>max-payload-size</c>): a larger input is refused at submit
    /// (<see cref="Protocol.PayloadTooLargeException"/>, nothing written); a larger handler output fails the task permanently.</summary>
    /// <value>The default is 10 MiB.</value>
    public long MaxPayloadSize { get; set; } = BuquetDefaults.QueueMaxPayloadSize;

    /// <summary>Task timeout (lease length on claim) when the submitter gives none (<c>default-timeout</c>); whole seconds.</summary>
    /// <value>The default is 300 s.</value>
    public TimeSpan DefaultTimeout { get; set; } = BuquetDefaults.QueueDefaultTimeout;

    /// <summary>Retries when the submitter gives none (<c>default-max-retries</c>).</summary>
    /// <value>The default is 3 (up to 4 executions).</value>
    public int DefaultMaxRetries { get; set; } = BuquetDefaults.QueueDefaultMaxRetries;

    /// <summary>Reschedule limit when the submitter gives none (<c>default-max-reschedules</c>); null means unlimited.</summary>
    /// <value>The default is null.</value>
    public int? DefaultMaxReschedules { get; set; }

    /// <summary>How long an idempotency key keeps returning the same task (<c>idempotency-ttl</c>).</summary>
    /// <value>The default is 30 days.</value>
    public TimeSpan IdempotencyTtl { get; set; } = BuquetDefaults.QueueIdempotencyTtl;

    /// <summary>
    /// Wake-up hints (<c>wake-hints</c>): producers touch <c>hints/ready</c> (at most once per second per process) when
    /// they make a task ready, and idle workers watch it with cheap HEADs instead of listing the ready index.
    /// </summary>
    /// <value>The default is true.</value>
    public bool WakeHints { get; set; } = BuquetDefaults.QueueWakeHints;

    /// <summary>Retry backoff written into new tasks (<c>retry-policy</c>).</summary>
    public RetryPolicyOptions RetryPolicy { get; set; } = new();
}

/// <summary>Retry backoff (<c>buquet.queue.retry-policy</c>): <c>min(initial × multiplier^k, max) × (1 ± jitter)</c>.</summary>
public sealed class RetryPolicyOptions
{
    /// <summary>First retry delay (<c>initial-interval</c>); stored as whole milliseconds.</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan InitialInterval { get; set; } = BuquetDefaults.RetryInitialInterval;

    /// <summary>Delay cap (<c>max-interval</c>).</summary>
    /// <value>The default is 60 s.</value>
    public TimeSpan MaxInterval { get; set; } = BuquetDefaults.RetryMaxInterval;

    /// <summary>Growth per retry (<c>multiplier</c>).</summary>
    /// <value>The default is 2.0.</value>
    public double Multiplier { get; set; } = BuquetDefaults.RetryMultiplier;

    /// <summary>Random spread as a fraction, 0..1 (<c>jitter-percent</c>, buquet's field name).</summary>
    /// <value>The default is 0.25.</value>
    public double JitterPercent { get; set; } = BuquetDefaults.RetryJitterPercent;
}
