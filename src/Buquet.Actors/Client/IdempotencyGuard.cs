using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Client;

/// <summary>What an idempotency check decided.</summary>
/// <param name="Proceed">True: create the new task (the record now names it).</param>
/// <param name="ExistingTaskKey">When not proceeding: the key of the task the valid record names.</param>
/// <param name="ExistingTaskId">When not proceeding: its id.</param>
/// <param name="ExistingTask">When not proceeding and the task exists: the stored task object.</param>
/// <param name="TaskMissing">The valid record's task does not exist yet (or any more): the caller creates it under <paramref name="ExistingTaskId"/>.</param>
internal sealed record IdempotencyDecision(bool Proceed, string? ExistingTaskKey, Guid? ExistingTaskId, StoredObject? ExistingTask, bool TaskMissing);

/// <summary>
/// Idempotent submit (protocol §3.13): the record is written before the task, create-only; a duplicate with the same
/// input returns the recorded task; a different input is a conflict; an expired record is taken over by CAS.
/// </summary>
internal sealed class IdempotencyGuard(IObjectStore store, ILogger? logger = null)
{
    public const int MaxRounds = 8;

    /// <summary>A record whose task is missing for longer than this is taken over (BUG-013); a younger one is being completed by its producer.</summary>
    public static readonly TimeSpan MissingTaskGrace = TimeSpan.FromSeconds(60);

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Resolves the scope string (§2.6): unset = task type, otherwise verbatim.</summary>
    public static string ScopeFor(string? scope, string taskType) => KeyComponents.ValidateScope(scope ?? taskType);

    /// <summary>The valid-or-not record stored for <paramref name="idempotencyKey"/> in <paramref name="scope"/>, or null when there is none.</summary>
    /// <exception cref="MalformedObjectException">The stored record is not a buquet idempotency record.</exception>
    public async Task<IdempotencyRecord?> FindAsync(string scope, string idempotencyKey, CancellationToken cancellationToken)
    {
        var key = TaskKeys.Idempotency(scope, Hashes.Hex(Hashes.IdempotencyKeyHash(scope, idempotencyKey)));
        var obj = await store.GetAsync(key, cancellationToken);
        return obj is null ? null : ModelJson.ParseIdempotency(obj.Body, key);
    }

    public async Task<IdempotencyDecision> CheckAsync(IdempotencyRecord proposed, string scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = TaskKeys.Idempotency(scope, Hashes.Hex(proposed.KeyHash));
        var body = ModelJson.Serialize(proposed);
        for (var round = 0; round < MaxRounds; round++)
        {
            var put = await store.PutAsync(key, body, PutCondition.IfNoneMatch, cancellationToken);
            if (put.Succeeded)
            {
                return new IdempotencyDecision(true, null, null, null, false);
            }

            var obj = await store.GetAsync(key, cancellationToken);
            if (obj is null)
            {
                continue; // deleted between our PUT and GET: try to create again
            }

            if (obj.Body.Span.SequenceEqual(body))
            {
                return new IdempotencyDecision(true, null, null, null, false); // our own create, retried
            }

            IdempotencyRecord? existing = null;
            try
            {
                existing = ModelJson.ParseIdempotency(obj.Body, key);
            }
            catch (MalformedObjectException ex)
            {
                _logger.LogWarning(ex, "Malformed idempotency record {Key}; taking it over", key);
            }

            if (existing is null || existing.IsExpiredAt(now))
            {
                if ((await store.PutAsync(key, body, PutCondition.IfMatch(obj.ETag), cancellationToken)).Succeeded)
                {
                    return new IdempotencyDecision(true, null, null, null, false);
                }

                continue;
            }

            if (!string.Equals(existing.InputHash, proposed.InputHash, StringComparison.Ordinal))
            {
                throw new IdempotencyConflictException(
                    $"Idempotency conflict: Idempotency key '{proposed.Key}' was used with different input (scope '{scope}', existing task {existing.TaskId}).");
            }

            var task = await store.GetAsync(existing.TaskKey, cancellationToken);
            if (task is not null)
            {
                return new IdempotencyDecision(false, existing.TaskKey, existing.TaskId, task, false);
            }

            if (now - existing.CreatedAt < MissingTaskGrace)
            {
                // Improvement over BUG-013's takeover: a fresh record without its task is most likely a concurrent
                // producer between writing the record and the task. Taking it over would create a second task, so
                // the caller creates the recorded task itself (create-only: exactly one of them lands).
                return new IdempotencyDecision(false, existing.TaskKey, existing.TaskId, null, true);
            }

            // BUG-013: the record points at a task that is gone; treat the record as expired.
            if ((await store.PutAsync(key, body, PutCondition.IfMatch(obj.ETag), cancellationToken)).Succeeded)
            {
                return new IdempotencyDecision(true, null, null, null, false);
            }
        }

        throw new ObjectStoreUnavailableException($"Idempotency record '{key}' kept changing for {MaxRounds} rounds.");
    }
}
