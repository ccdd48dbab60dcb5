using System.Globalization;
using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Scheduling.Cron;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Scheduling;

/// <summary>
/// Recurring schedules in the bucket (<c>buquet schedule create|list|show|update|enable|disable|delete|trigger</c>),
/// stored as buquet's <c>schedules/{id}.json</c> and <c>schedules/{id}/last_run.json</c>, so Rust and Python peers
/// read and fire them too. Obtain one from <c>BuquetClient.Schedules</c> (<see cref="BuquetClientSchedules"/>). Thread-safe.
/// </summary>
public sealed class ScheduleClient
{
    /// <summary>How many CAS rounds an update tries before reporting a conflict.</summary>
    private const int MaxUpdateRounds = 8;

    // Immutable after construction.
    private readonly BuquetClient _client;
    private readonly ScheduleStore _store;

    internal ScheduleClient(BuquetClient client, IObjectStore store)
    {
        _client = client;
        _store = new ScheduleStore(store);
    }

    /// <summary>Creates a schedule (create-only).</summary>
    /// <param name="spec">The schedule.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored schedule.</returns>
    /// <exception cref="ArgumentException">The id, task type, time zone or a value is invalid (the message names it).</exception>
    /// <exception cref="CronFormatException">The cron is invalid; the message names the cron field at fault.</exception>
    /// <exception cref="ScheduleAlreadyExistsException">A schedule with this id exists.</exception>
    public async Task<ScheduleDefinition> CreateAsync(ScheduleSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        KeyComponents.ValidateScheduleId(spec.Id, "spec.Id");
        KeyComponents.ValidateTaskType(spec.TaskType);
        _ = CronExpression.Parse(spec.Cron ?? throw new ArgumentNullException(nameof(spec), "The schedule's cron is missing."));
        if (spec.Extensions is not null)
        {
            ValidateExtensions(spec.Extensions);
        }

        ValidateRun(spec.Timeout, spec.MaxRetries);
        var now = await _client.Clock.NowAsync(cancellationToken);
        var schedule = new Schedule(
            spec.Id, spec.TaskType, _client.ToInputElement(spec.Input), spec.Cron, spec.Enabled,
            ToSeconds(spec.Timeout), spec.MaxRetries, now, now);
        var put = await _store.CreateAsync(schedule, cancellationToken);
        if (!put.Succeeded)
        {
            throw new ScheduleAlreadyExistsException($"Schedule '{spec.Id}' already exists; update or delete it first.");
        }

        // A last_run left behind by an earlier schedule with this id would skip or replay its slots.
        await _store.Store.DeleteAsync(TaskKeys.ScheduleLastRun(spec.Id), null, cancellationToken);
        await _store.PutExtensionsAsync(spec.Id, spec.Extensions, cancellationToken);
        await WakeSchedulersAsync();
        return ToDefinition(schedule, spec.Extensions);
    }

    /// <summary>Lists every schedule, ordered by id; unreadable ones are reported in <see cref="ScheduleListing.Malformed"/>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedules.</returns>
    public async Task<ScheduleListing> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = await _store.ListIdsAsync(cancellationToken);
        var withExtensions = await _store.ListExtensionIdsAsync(cancellationToken);
        var schedules = new List<ScheduleDefinition>(ids.Count);
        var malformed = new List<MalformedObjectException>();
        foreach (var id in ids)
        {
            try
            {
                var snapshot = await _store.GetAsync(id, cancellationToken);
                if (snapshot is not null)
                {
                    var ext = withExtensions.Contains(id) ? await _store.GetExtensionsAsync(id, cancellationToken) : null;
                    schedules.Add(ToDefinition(snapshot.Schedule, ext));
                }
            }
            catch (MalformedObjectException ex)
            {
                malformed.Add(ex);
            }
        }

        return new ScheduleListing(schedules, malformed);
    }

    /// <summary>Reads a schedule, its last run and its next <paramref name="nextRuns"/> slots after the store's now.</summary>
    /// <param name="id">The schedule id.</param>
    /// <param name="nextRuns">How many upcoming slots to compute (0 to 1000).</param>
    /// <param name="defaultTimeZone">The zone of a schedule without extensions (the scheduler's
    /// <c>default-time-zone</c>); <c>null</c> = UTC, as peers evaluate.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The details, or <c>null</c> when there is no such schedule.</returns>
    /// <exception cref="MalformedObjectException">The stored schedule is unreadable.</exception>
    public async Task<ScheduleDetails?> GetAsync(string id, int nextRuns = 5, string? defaultTimeZone = null, CancellationToken cancellationToken = default)
    {
        KeyComponents.ValidateScheduleId(id, nameof(id));
        ArgumentOutOfRangeException.ThrowIfNegative(nextRuns);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nextRuns, 1000);
        var snapshot = await _store.GetAsync(id, cancellationToken);
        if (snapshot is null)
        {
            return null;
        }

        var ext = await _store.GetExtensionsAsync(id, cancellationToken);
        var last = await _store.GetLastRunAsync(id, cancellationToken);
        var now = await _client.Clock.NowAsync(cancellationToken);
        var upcoming = UpcomingRuns(snapshot.Schedule.Cron, snapshot.Schedule.Enabled, ext?.TimeZone ?? defaultTimeZone, now, nextRuns);
        return new ScheduleDetails(ToDefinition(snapshot.Schedule, ext), last?.Run is { } r ? ToInfo(r) : null, upcoming);
    }

    /// <summary>
    /// The next <paramref name="count"/> slots of a schedule after <paramref name="after"/>, evaluated in
    /// <paramref name="timeZone"/> (the schedule's extension zone, else the scheduler's default; <c>null</c> = UTC).
    /// Empty when disabled, when the cron is invalid, or when it has no further occurrence. <c>schedule show</c> and the
    /// dashboard's schedules page both use it, so they agree.
    /// </summary>
    internal static IReadOnlyList<DateTimeOffset> UpcomingRuns(string cron, bool enabled, string? timeZone, DateTimeOffset after, int count)
    {
        var upcoming = new List<DateTimeOffset>();
        if (!enabled || count <= 0 || !CronExpression.TryParse(cron, out var expression, out _))
        {
            return upcoming;
        }

        var zone = CronTimeZone.Resolve(timeZone);
        var at = after;
        while (upcoming.Count < count && expression!.GetNextOccurrence(at, zone) is { } next)
        {
            upcoming.Add(next);
            at = next;
        }

        return upcoming;
    }

    /// <summary>Changes a schedule (GET + CAS, retried on conflicts).</summary>
    /// <param name="id">The schedule id.</param>
    /// <param name="update">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored schedule.</returns>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    /// <exception cref="CronFormatException">The new cron is invalid (the message names the field).</exception>
    public async Task<ScheduleDefinition> UpdateAsync(string id, ScheduleUpdate update, CancellationToken cancellationToken = default)
    {
        KeyComponents.ValidateScheduleId(id, nameof(id));
        ArgumentNullException.ThrowIfNull(update);
        if (update.Cron is not null)
        {
            _ = CronExpression.Parse(update.Cron);
        }

        if (update.Extensions is not null)
        {
            ValidateExtensions(update.Extensions);
        }

        ValidateRun(update.Timeout, update.MaxRetries);
        JsonElement? input = update.ClearInput ? null : update.Input is null ? null : _client.ToInputElement(update.Input);
        for (var round = 0; round < MaxUpdateRounds; round++)
        {
            var snapshot = await _store.GetAsync(id, cancellationToken) ?? throw NotFound(id);
            var s = snapshot.Schedule;
            var now = await _client.Clock.NowAsync(cancellationToken);
            var changed = s with
            {
                Cron = update.Cron ?? s.Cron,
                Input = update.ClearInput || update.Input is not null ? input : s.Input,
                TimeoutSeconds = update.ClearTimeout ? null : update.Timeout is { } t ? ToSeconds(t) : s.TimeoutSeconds,
                MaxRetries = update.ClearMaxRetries ? null : update.MaxRetries ?? s.MaxRetries,
                Enabled = update.Enabled ?? s.Enabled,
                UpdatedAt = now > s.UpdatedAt ? now : s.UpdatedAt,
            };
            if ((await _store.ReplaceAsync(changed, snapshot.ETag, cancellationToken)).Succeeded)
            {
                if (update.Extensions is not null || update.ClearExtensions)
                {
                    await _store.PutExtensionsAsync(id, update.ClearExtensions ? null : update.Extensions, cancellationToken);
                }

                await WakeSchedulersAsync();

                return ToDefinition(changed, await _store.GetExtensionsAsync(id, cancellationToken));
            }
        }

        throw new InvalidOperationException($"Schedule '{id}' kept changing for {MaxUpdateRounds} rounds; try again.");
    }

    /// <summary>Enables a schedule.</summary>
    /// <param name="id">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored schedule.</returns>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    public Task<ScheduleDefinition> EnableAsync(string id, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, new ScheduleUpdate { Enabled = true }, cancellationToken);

    /// <summary>Disables a schedule.</summary>
    /// <param name="id">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored schedule.</returns>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    public Task<ScheduleDefinition> DisableAsync(string id, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, new ScheduleUpdate { Enabled = false }, cancellationToken);

    /// <summary>Deletes a schedule, then (best effort) its last run and extensions.</summary>
    /// <param name="id">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the definition was deleted; false when there was none.</returns>
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        KeyComponents.ValidateScheduleId(id, nameof(id));
        return _store.DeleteAsync(id, cancellationToken);
    }

    /// <summary>Submits one run now, as buquet's <c>schedule trigger</c>: a plain submit without idempotency key that
    /// does not touch the last run. Works on disabled schedules too.</summary>
    /// <param name="id">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The submitted task.</returns>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    public async Task<TaskRecord> TriggerAsync(string id, CancellationToken cancellationToken = default)
    {
        KeyComponents.ValidateScheduleId(id, nameof(id));
        var snapshot = await _store.GetAsync(id, cancellationToken) ?? throw NotFound(id);
        var s = snapshot.Schedule;
        return await _client.SubmitAsync(s.TaskType, s.Input, RunOptions(s, null, TimeSpan.Zero), cancellationToken);
    }

    /// <summary>The submit options of one run of <paramref name="s"/>.</summary>
    internal static SubmitOptions RunOptions(Schedule s, string? idempotencyKey, TimeSpan delay) => new()
    {
        Timeout = s.TimeoutSeconds is { } t and > 0 ? TimeSpan.FromSeconds(t) : null,
        MaxRetries = s.MaxRetries is { } m ? (int)Math.Min(m, int.MaxValue) : null,
        IdempotencyKey = idempotencyKey,
        Delay = delay > TimeSpan.Zero ? delay : null,
    };

    internal static ScheduleDefinition ToDefinition(Schedule s, ScheduleExtensions? ext) => new(
        s.Id, s.TaskType, s.Input, s.Cron, s.Enabled,
        s.TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : null,
        s.MaxRetries is { } m ? (int)Math.Min(m, int.MaxValue) : null,
        s.CreatedAt, s.UpdatedAt, ext);

    internal static ScheduleLastRunInfo ToInfo(ScheduleLastRun r) =>
        new(r.LastRunAt, r.LastTaskId, r.NextRunAt > r.LastRunAt ? r.NextRunAt : null);

    private static ScheduleNotFoundException NotFound(string id) => new($"Schedule '{id}' does not exist.");

    private static long? ToSeconds(TimeSpan? timeout) => timeout is { } t ? (long)Math.Ceiling(t.TotalSeconds) : null;

    private static void ValidateRun(TimeSpan? timeout, int? maxRetries)
    {
        if (timeout is { } t && t < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, $"A schedule's timeout must be at least 1 second, was {t}.");
        }

        if (maxRetries is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetries), maxRetries, $"A schedule's max retries must not be negative, was {maxRetries}.");
        }
    }

    private static void ValidateExtensions(ScheduleExtensions ext)
    {
        ArgumentNullException.ThrowIfNull(ext);
        ArgumentNullException.ThrowIfNull(ext.CatchUp, "Extensions.CatchUp");
        _ = CronTimeZone.Resolve(ext.TimeZone);
        if (ext.MaxJitter < TimeSpan.Zero || ext.MaxJitter > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(
                "Extensions.MaxJitter", ext.MaxJitter,
                string.Create(CultureInfo.InvariantCulture, $"MaxJitter must be between 0 and 1 day, was {ext.MaxJitter}."));
        }
    }

    /// <summary>
    /// Touches the wake-up hint (when the client has hints on): idle workers become active and their scheduler leader
    /// ticks at once instead of at its idle tick interval, so a new or changed schedule is not delayed by an idle fleet.
    /// </summary>
    private Task WakeSchedulersAsync() => _client.Repository.WakeHints?.NotifyAsync() ?? Task.CompletedTask;
}
