using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Client;

/// <summary>Settings of a <see cref="BuquetClient"/>. Every producer and worker sharing a bucket must agree on <see cref="ShardPrefixLength"/>.</summary>
public sealed class BuquetClientOptions
{
    /// <summary>Hex characters per shard name, 1..4 (16, 256, 4096 or 65536 shards).</summary>
    /// <value>The default is 1.</value>
    [Range(1, 4)]
    public int ShardPrefixLength { get; set; } = 1;

    /// <summary>Offload inputs whose compact JSON is strictly larger than <see cref="PayloadOffloadThresholdBytes"/> to <c>payloads/{id}/input.json</c>.
    /// Off by default: buquet's own workers hand an offloaded input to handlers as <c>null</c>.</summary>
    /// <value>The default is <c>false</c>.</value>
    public bool OffloadLargePayloads { get; set; }

    /// <summary>Offload threshold in bytes.</summary>
    /// <value>The default is 262144 (256 KiB), as buquet.</value>
    [Range(0, int.MaxValue)]
    public int PayloadOffloadThresholdBytes { get; set; } = 262_144;

    /// <summary>Largest task input accepted, as compact JSON bytes (<c>buquet.queue.max-payload-size</c>): a larger
    /// input throws <see cref="PayloadTooLargeException"/> and nothing is written, offloaded or not.</summary>
    /// <value>The default is 10485760 (10 MiB).</value>
    public long MaxPayloadSizeBytes { get; set; } = Configuration.BuquetDefaults.QueueMaxPayloadSize;

    /// <summary>Lease length given to new tasks.</summary>
    /// <value>The default is 300 seconds.</value>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(TaskDefaults.TimeoutSeconds);

    /// <summary>Retries given to new tasks.</summary>
    /// <value>The default is 3.</value>
    [Range(0, int.MaxValue)]
    public int DefaultMaxRetries { get; set; } = (int)TaskDefaults.MaxRetries;

    /// <summary>Backoff policy given to new tasks.</summary>
    /// <value>The default is 1 s initial, 60 s cap, ×2.0, ±25 % jitter.</value>
    public RetryPolicy DefaultRetryPolicy { get; set; } = RetryPolicy.Default;

    /// <summary>How long an idempotency record stays valid.</summary>
    /// <value>The default is 30 days.</value>
    public TimeSpan IdempotencyTtl { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the store clock is re-read.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan ClockResyncInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Touch the wake-up hint <c>hints/ready</c> (an unconditional PUT, at most once per second per client, with a
    /// trailing touch after a burst) whenever this client makes a task ready (submit, bulk submit, replay), so idle
    /// workers pick it up within about a second instead of at their next full poll. A failed touch never fails the call.
    /// </summary>
    /// <value>The default is <c>true</c>.</value>
    public bool WakeHints { get; set; } = true;

    /// <summary>Parallel submits/cancels in bulk operations.</summary>
    /// <value>The default is 8.</value>
    [Range(1, 256)]
    public int BulkParallelism { get; set; } = 8;

    /// <summary>Serializer settings for task inputs.</summary>
    /// <remarks>Typed inputs resolve through these options' <c>TypeInfoResolver</c>; without one, through reflection.
    /// An application without reflection-based JSON adds a <c>JsonSerializerContext</c> for its input types to
    /// <c>TypeInfoResolverChain</c>; <c>JsonElement</c> and <c>JsonDocument</c> inputs need nothing.</remarks>
    /// <value>The default has the settings of <see cref="JsonSerializerOptions.Default"/>.</value>
    public JsonSerializerOptions SerializerOptions { get; set; } = BuquetJson.Default;

    /// <summary>Throws naming the first invalid setting.</summary>
    public void Validate()
    {
        _ = ShardSpace.For(ShardPrefixLength);
        if (DefaultTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultTimeout), DefaultTimeout, "DefaultTimeout must be at least 1 second.");
        }

        if (DefaultMaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultMaxRetries), DefaultMaxRetries, "DefaultMaxRetries must not be negative.");
        }

        if (PayloadOffloadThresholdBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PayloadOffloadThresholdBytes), PayloadOffloadThresholdBytes, "PayloadOffloadThresholdBytes must not be negative.");
        }

        if (MaxPayloadSizeBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPayloadSizeBytes), MaxPayloadSizeBytes, "MaxPayloadSizeBytes must be at least 1.");
        }

        if (BulkParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BulkParallelism), BulkParallelism, "BulkParallelism must be at least 1.");
        }

        if (IdempotencyTtl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(IdempotencyTtl), IdempotencyTtl, "IdempotencyTtl must be positive.");
        }

        ArgumentNullException.ThrowIfNull(DefaultRetryPolicy);
        ArgumentNullException.ThrowIfNull(SerializerOptions);
    }
}
