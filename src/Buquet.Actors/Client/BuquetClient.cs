using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Buquet.Actors.Client;

/// <summary>
/// The producer and operator API of a buquet-compatible queue: submit, inspect, list, cancel, replay, archive and
/// expire tasks in one S3-compatible bucket, wire-compatible with buquet's Rust and Python peers. Thread-safe; register
/// one per bucket (see <see cref="ServiceCollectionExtensions.AddBuquetClient"/>).
/// </summary>
public sealed partial class BuquetClient
{
    // Immutable after construction.
    private readonly IObjectStore _store;
    private readonly BuquetClientOptions _options;
    private readonly TaskRepository _repository;
    private readonly IdempotencyGuard _idempotency;
    private readonly ILogger _logger;

    /// <summary>Creates a client over <paramref name="store"/>.</summary>
    /// <param name="store">The bucket.</param>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="timeProvider">Monotonic time source for the store clock; the system one when <c>null</c>.</param>
    /// <param name="logger">Diagnostics.</param>
    public BuquetClient(IObjectStore store, BuquetClientOptions? options = null, TimeProvider? timeProvider = null, ILogger<BuquetClient>? logger = null)
        : this(store, options ?? new BuquetClientOptions(), null, timeProvider, logger)
    {
    }

    /// <summary>Creates a client from DI-style options.</summary>
    public BuquetClient(IObjectStore store, IOptions<BuquetClientOptions> options, TimeProvider? timeProvider = null, ILogger<BuquetClient>? logger = null)
        : this(store, (options ?? throw new ArgumentNullException(nameof(options))).Value, null, timeProvider, logger)
    {
    }

    /// <summary>Creates a client sharing a store clock (workers and tests).</summary>
    internal BuquetClient(IObjectStore store, BuquetClientOptions options, IStoreClock? clock, TimeProvider? timeProvider, ILogger? logger, IFleetSignals? signals = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        Clock = clock ?? new StoreClock(store, timeProvider, options.ClockResyncInterval);
        var hints = options.WakeHints ? new WakeHintPublisher(store, timeProvider, null, _logger) { Touched = signals is null ? null : signals.HintTouched } : null;
        _repository = new TaskRepository(store, Clock, options.ShardPrefixLength, _logger, hints) { Signals = signals };
        _idempotency = new IdempotencyGuard(store, _logger);
    }

    /// <summary>The store-time source every decision uses.</summary>
    internal IStoreClock Clock { get; }

    /// <summary>The CAS layer (shared with workers).</summary>
    internal TaskRepository Repository => _repository;

    /// <summary>The store's current time (the clock every task decision uses).</summary>
    public async Task<DateTimeOffset> GetStoreTimeAsync(CancellationToken cancellationToken = default) => await Clock.NowAsync(cancellationToken);

    /// <summary>
    /// Submits a task. With an idempotency key, a duplicate submit with the same input returns the existing task
    /// (whatever its status) and writes nothing; a different input throws <see cref="IdempotencyConflictException"/>.
    /// </summary>
    /// <param name="taskType">Handler routing key (no <c>/</c>, <c>..</c> or control characters).</param>
    /// <param name="input">Any JSON-serializable value (a <see cref="JsonElement"/> is used as is).</param>
    /// <param name="options">Per-task settings.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored task.</returns>
    public async Task<TaskRecord> SubmitAsync(string taskType, object? input, SubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        KeyComponents.ValidateTaskType(taskType);
        options ??= new SubmitOptions();
        ValidateSubmit(options);
        var element = ToElement(input);
        var bytes = CompactWithinLimit(element, _options.MaxPayloadSizeBytes);
        if (options.ValidateInput)
        {
            await ValidateBeforeSubmitAsync(taskType, element, cancellationToken);
        }

        var now = await Clock.NowAsync(cancellationToken);
        var id = Guid.NewGuid();
        var shard = _repository.Shards.ShardOf(id);

        if (options.IdempotencyKey is { } idemKey)
        {
            KeyComponents.ValidateIdempotencyKey(idemKey, nameof(options));
            var scope = IdempotencyGuard.ScopeFor(options.IdempotencyScope, taskType);
            var keyHash = Hashes.IdempotencyKeyHash(scope, idemKey);
            var record = new IdempotencyRecord(idemKey, keyHash, id, TaskKeys.Task(shard, id), now,
                SafeTime.Add(now, options.IdempotencyTtl ?? _options.IdempotencyTtl), taskType, CanonicalJson.InputHash(input, _options.SerializerOptions));
            var decision = await _idempotency.CheckAsync(record, scope, now, cancellationToken);
            if (!decision.Proceed)
            {
                if (decision.ExistingTask is { } stored)
                {
                    return TaskJson.Parse(stored.Body, stored.Key);
                }

                // The recorded task is not there yet: create it under the recorded id (exactly one create lands).
                id = decision.ExistingTaskId!.Value;
                shard = TaskKeys.TryParseTaskKey(decision.ExistingTaskKey!, out var recordedShard, out _) ? recordedShard : _repository.Shards.ShardOf(id);
            }
        }

        return await CreateAsync(id, shard, taskType, element, bytes, options, now, cancellationToken);
    }

    /// <summary>Submits many tasks with bounded parallelism; one result per item, in input order.</summary>
    public async Task<IReadOnlyList<SubmitManyResult>> SubmitManyAsync(IEnumerable<TaskSubmission> submissions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        var items = submissions.ToList();
        var results = new SubmitManyResult[items.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.BulkParallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                try
                {
                    var s = items[i] ?? throw new ArgumentException($"Submission {i} is null.", nameof(submissions));
                    results[i] = new SubmitManyResult(i, await SubmitAsync(s.TaskType, s.Input, s.Options, ct), null);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    results[i] = new SubmitManyResult(i, null, ex);
                }
            });
        return results;
    }

    private async Task<TaskRecord> CreateAsync(Guid id, string shard, string taskType, JsonElement? input, byte[] bytes, SubmitOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string? inputRef = null;
        if (options.OffloadLargePayload ?? _options.OffloadLargePayloads)
        {
            if (bytes.Length > _options.PayloadOffloadThresholdBytes)
            {
                inputRef = TaskKeys.PayloadInput(id);
                await _store.PutAsync(inputRef, bytes, PutCondition.None, cancellationToken);
            }
        }

        var spec = new SubmitSpec(id, shard, taskType, input)
        {
            InputRef = inputRef,
            TimeoutSeconds = (long)Math.Ceiling((options.Timeout ?? _options.DefaultTimeout).TotalSeconds),
            MaxRetries = options.MaxRetries ?? _options.DefaultMaxRetries,
            RetryPolicy = options.RetryPolicy ?? _options.DefaultRetryPolicy,
            MaxReschedules = options.MaxReschedules,
            RunAt = options.RunAt,
            Delay = options.Delay,
            Ttl = options.Ttl,
            ExpiresAt = options.ExpiresAt,
        };
        var task = TaskTransitions.Submit(spec, now);
        var created = await _repository.CreateAsync(task, cancellationToken);
        if (created is not null)
        {
            return created.Task;
        }

        // Someone created this id first: only an idempotent duplicate can do that; return what is stored.
        var existing = await _repository.GetByKeyAsync(task.Key, cancellationToken);
        return existing?.Task ?? throw new ObjectStoreUnavailableException($"Task {id} could not be created and is not readable.");
    }

    /// <summary>The input as compact JSON (as stored); throws <see cref="PayloadTooLargeException"/> above <paramref name="limit"/>.</summary>
    internal static byte[] CompactWithinLimit(JsonElement? input, long limit)
    {
        var bytes = new JsonOut().Element(input).ToUtf8();
        return bytes.LongLength > limit ? throw new PayloadTooLargeException("input", bytes.LongLength, limit) : bytes;
    }

    private JsonElement? ToElement(object? input)
    {
        switch (input)
        {
            case null:
                return null;
            case JsonElement e:
                return e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : e.Clone();
            case JsonDocument d:
                return d.RootElement.ValueKind == JsonValueKind.Null ? null : d.RootElement.Clone();
            default:
                var element = JsonSerializer.SerializeToElement(input, BuquetJson.TypeInfo(_options.SerializerOptions, input.GetType()));
                return element.ValueKind == JsonValueKind.Null ? null : element;
        }
    }

    private static void ValidateSubmit(SubmitOptions o)
    {
        if (o.Timeout is { } t && t < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(o), t, $"Timeout must be at least 1 second, was {t}.");
        }

        if (o.MaxRetries is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(o), o.MaxRetries, $"MaxRetries must not be negative, was {o.MaxRetries}.");
        }

        if (o.MaxReschedules is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(o), o.MaxReschedules, $"MaxReschedules must not be negative, was {o.MaxReschedules}.");
        }

        if (o.Ttl is { } ttl && ttl < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(o), ttl, $"Ttl must not be negative, was {ttl}.");
        }

        if (o.IdempotencyTtl is { } it && it <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(o), it, $"IdempotencyTtl must be positive, was {it}.");
        }

        if (o.RetryPolicy is { } p && (p.InitialIntervalMs is < 0 or > uint.MaxValue || p.MaxIntervalMs is < 0 or > uint.MaxValue || !double.IsFinite(p.Multiplier) || !double.IsFinite(p.JitterPercent)))
        {
            throw new ArgumentOutOfRangeException(nameof(o), p, $"RetryPolicy {p} has a value a peer cannot read.");
        }
    }
}
