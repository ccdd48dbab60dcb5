using System.Text.Json;
using Buquet.Actors.Configuration;

namespace Buquet.Actors.Worker;

/// <summary>
/// Polling cadence: adaptive (min → ×multiplier → max while idle) or fixed, with jitter; then idle mode (a full LIST
/// every <see cref="IdleMaxInterval"/>, wake-up hint checks every fleet size × <see cref="HintInterval"/>).
/// </summary>
internal sealed record PollingSettings(PollingStrategy Strategy, TimeSpan MinInterval, TimeSpan MaxInterval, double Multiplier, TimeSpan FixedInterval, double Jitter)
{
    /// <summary>Full-discovery period while idle; zero = never idle.</summary>
    public TimeSpan IdleMaxInterval { get; init; } = BuquetDefaults.PollingIdleMaxInterval;

    /// <summary>Consecutive empty polls with nothing in flight before the worker is idle.</summary>
    public int IdleAfterEmptyPolls { get; init; } = 6;

    /// <summary>Fleet-wide target period of hint checks while idle.</summary>
    public TimeSpan HintInterval { get; init; } = BuquetDefaults.PollingHintInterval;

    /// <summary>Cap on one idle worker's hint-check period.</summary>
    public TimeSpan MaxHintInterval { get; init; } = BuquetDefaults.PollingMaxHintInterval;

    /// <summary>Idle workers take turns at the full discovery LIST, by rank in the fleet census.</summary>
    public bool ShareIdleDiscovery { get; init; } = true;

    /// <summary>Hint-check period while active and backing off (never below 250 ms).</summary>
    public TimeSpan ActiveHintInterval => MinInterval > TimeSpan.FromMilliseconds(250) ? MinInterval : TimeSpan.FromMilliseconds(250);

    /// <summary>How often an idle worker counts the live workers under <c>workers/</c>.</summary>
    public TimeSpan FleetCensusInterval { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>A registry entry written within this window counts as a live worker in the census.</summary>
    public TimeSpan FleetWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>One idle worker's hint-check period for a fleet of <paramref name="fleetSize"/> workers.</summary>
    public TimeSpan IdleHintInterval(int fleetSize)
    {
        var scaled = HintInterval * Math.Max(1, fleetSize);
        return scaled > MaxHintInterval ? MaxHintInterval : scaled < HintInterval ? HintInterval : scaled;
    }

    public static PollingSettings FromOptions(PollingOptions o) =>
        new(o.Strategy, o.MinInterval, o.MaxInterval, o.BackoffMultiplier, o.Interval, o.Jitter)
        {
            IdleMaxInterval = o.IdleMaxInterval,
            HintInterval = o.HintInterval,
            MaxHintInterval = o.MaxHintInterval,
            ShareIdleDiscovery = o.ShareIdleDiscovery,
        };
}

/// <summary>Everything the worker actors need from configuration, validated once.</summary>
internal sealed record WorkerSettings
{
    /// <summary>Grace after a handler's timeout before an execution that ignores cancellation is abandoned.</summary>
    public static readonly TimeSpan TimeoutGraceDefault = TimeSpan.FromSeconds(5);

    public required string WorkerId { get; init; }

    public int Concurrency { get; init; } = 8;

    public IReadOnlyDictionary<string, int> PerTypeConcurrency { get; init; } = new Dictionary<string, int>();

    /// <summary>Shards polled when shard leasing is off (empty = all shards of the space).</summary>
    public IReadOnlyList<string> Shards { get; init; } = [];

    /// <summary>Task types this worker may claim (empty = all with handlers).</summary>
    public IReadOnlyList<string> TaskTypes { get; init; } = [];

    public int ReadyPageSize { get; init; } = 100;

    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromMinutes(5);

    public double LeaseRenewFraction { get; init; } = 1.0 / 3;

    public TimeSpan DrainDeadline { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Period of the cancel-hint checks (<c>worker.cancel-check-interval</c>, ADR 0017); zero = off.</summary>
    public TimeSpan CancelCheckInterval { get; init; } = Configuration.BuquetDefaults.WorkerCancelCheckInterval;

    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan TimeoutGrace { get; init; } = TimeoutGraceDefault;

    public TimeSpan UnavailableBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public PollingSettings Polling { get; init; } = new(PollingStrategy.Adaptive, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), 2.0, TimeSpan.FromMilliseconds(500), 0.1);

    public long PayloadOffloadThreshold { get; init; } = long.MaxValue;

    /// <summary>Largest handler output committed (<c>buquet.queue.max-payload-size</c>); a larger one fails the task.</summary>
    public long MaxPayloadSize { get; init; } = Configuration.BuquetDefaults.QueueMaxPayloadSize;

    /// <summary>Touch the wake-up hint when a task becomes ready, and watch it while idle (<c>buquet.queue.wake-hints</c>).</summary>
    public bool WakeHints { get; init; } = true;

    /// <summary>Window of the batched lease-key DELETEs (<see cref="Protocol.IndexDeleteBatch"/>); zero = one DELETE per key (the default here; hosted workers use the option's 100 ms).</summary>
    public TimeSpan IndexDeleteBatchWindow { get; init; } = TimeSpan.Zero;

    public JsonSerializerOptions Json { get; init; } = new(JsonSerializerDefaults.Web);

    /// <summary>Check each task's input against its type's schema before the handler runs (<c>worker.validate-input</c>).</summary>
    public bool ValidateInput { get; init; }

    /// <summary>Check each handler's output against its type's schema before completing the task (<c>worker.validate-output</c>).</summary>
    public bool ValidateOutput { get; init; }

    /// <summary>How long a read schema is used before it is read again (<c>worker.schema-refresh-interval</c>).</summary>
    public TimeSpan SchemaRefreshInterval { get; init; } = Configuration.BuquetDefaults.WorkerSchemaRefreshInterval;

    public static WorkerSettings FromOptions(BuquetOptions options, string workerId)
    {
        ArgumentNullException.ThrowIfNull(options);
        var w = options.Worker;
        return new WorkerSettings
        {
            WorkerId = workerId,
            Concurrency = w.Concurrency,
            PerTypeConcurrency = new Dictionary<string, int>(w.PerTypeConcurrency, StringComparer.Ordinal),
            Shards = [.. w.Shards],
            TaskTypes = [.. w.TaskTypes],
            ReadyPageSize = w.ReadyPageSize,
            LeaseTtl = w.LeaseTtl,
            LeaseRenewFraction = w.LeaseRenewFraction,
            DrainDeadline = w.DrainDeadline,
            CancelCheckInterval = w.CancelCheckInterval,
            ShutdownGrace = w.ShutdownGrace,
            Polling = PollingSettings.FromOptions(w.Polling),
            PayloadOffloadThreshold = options.Queue.PayloadOffloadEnabled ? options.Queue.PayloadOffloadThreshold : long.MaxValue,
            MaxPayloadSize = options.Queue.MaxPayloadSize,
            WakeHints = options.Queue.WakeHints,
            IndexDeleteBatchWindow = w.IndexDeleteBatchWindow,
            ValidateInput = w.ValidateInput,
            ValidateOutput = w.ValidateOutput,
            SchemaRefreshInterval = w.SchemaRefreshInterval,
        };
    }

    public void Validate()
    {
        if (Concurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Concurrency), Concurrency, "Worker concurrency must be at least 1.");
        }

        foreach (var (type, limit) in PerTypeConcurrency)
        {
            if (limit < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(PerTypeConcurrency), limit, $"Per-type concurrency for '{type}' must be at least 1.");
            }
        }

        if (SchemaRefreshInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SchemaRefreshInterval), SchemaRefreshInterval, "The schema refresh interval must not be negative.");
        }

        if (CancelCheckInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CancelCheckInterval), CancelCheckInterval, "The cancel check interval must not be negative.");
        }

        if (LeaseRenewFraction is < 0 or >= 1 || double.IsNaN(LeaseRenewFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(LeaseRenewFraction), LeaseRenewFraction, "Lease renew fraction must be in [0, 1).");
        }
    }
}
