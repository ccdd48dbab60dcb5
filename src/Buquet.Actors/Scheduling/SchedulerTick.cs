using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Scheduling.Cron;
using Buquet.Actors.Scheduling.Planning;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Scheduling;

/// <summary>What one tick did.</summary>
/// <param name="Schedules">Schedule definitions listed.</param>
/// <param name="Fired">Runs submitted (or found already submitted for their slot).</param>
/// <param name="Recorded">last_run objects this tick wrote.</param>
/// <param name="Skipped">Unreadable schedules or crons (logged, counted, never fatal).</param>
/// <param name="Failed">Schedules whose submit failed; their last_run is untouched and the next tick retries.</param>
/// <param name="Deposed">True when the fence refused: this scheduler lost leadership and stopped writing.</param>
internal sealed record SchedulerTickReport(int Schedules, int Fired, int Recorded, int Skipped, int Failed, bool Deposed);

/// <summary>
/// One scheduler tick over every schedule at the store clock's now (protocol §4.2, with the BUG-012/014/017 fixes and
/// this library's extensions). Pure of timers: the scheduler actor calls <see cref="RunAsync"/>.
/// </summary>
/// <remarks>
/// Per enabled schedule: read last_run (+ETag), plan the due slots with <see cref="SchedulePlanner"/>, submit each slot
/// with the idempotency key <c>schedule:{id}:{slot unix seconds}</c> (task_type scope, exactly buquet's), then write
/// <c>last_run {last_run_at: now, last_task_id, next_run_at}</c> with If-Match (If-None-Match when none; a 412 means
/// another scheduler recorded it). A submit failure leaves last_run untouched. An idempotency conflict for a slot means
/// the slot already fired with an older input: it is recorded as fired with the existing task (no wedge). When the
/// cron has no further occurrence, <c>next_run_at</c> is written equal to <c>last_run_at</c> (ADR 0007).
/// </remarks>
internal sealed class SchedulerTick
{
    // Immutable after construction.
    private readonly BuquetClient _client;
    private readonly ScheduleStore _store;
    private readonly ILogger _logger;
    private readonly Func<double>? _random;
    private readonly ScheduleExtensions _defaults;

    /// <summary>Creates a tick.</summary>
    /// <param name="client">The bucket's client (store, store clock, submit).</param>
    /// <param name="logger">Diagnostics.</param>
    /// <param name="random">Uniform [0, 1) values for jitter.</param>
    /// <param name="defaults">Extensions of schedules that store none (the scheduler's default zone and catch-up);
    /// <c>null</c> = <see cref="ScheduleExtensions.Default"/>.</param>
    public SchedulerTick(BuquetClient client, ILogger? logger = null, Func<double>? random = null, ScheduleExtensions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _store = new ScheduleStore(client.Store);
        _logger = logger ?? NullLogger.Instance;
        _random = random;
        _defaults = defaults ?? ScheduleExtensions.Default;
    }

    /// <summary>Runs one tick.</summary>
    /// <param name="fence">Asked before a schedule's first write; false = deposed, the tick stops writing at once.</param>
    /// <param name="cancellationToken">Cancels the tick.</param>
    /// <returns>What the tick did.</returns>
    /// <exception cref="ObjectStoreUnavailableException">The schedule listing failed (nothing was written).</exception>
    public async Task<SchedulerTickReport> RunAsync(Func<CancellationToken, Task<bool>>? fence = null, CancellationToken cancellationToken = default)
    {
        var ids = await _store.ListIdsAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return new SchedulerTickReport(0, 0, 0, 0, 0, false); // nothing to decide: no clock request
        }

        var now = await _client.Clock.NowAsync(cancellationToken);
        var withExtensions = await _store.ListExtensionIdsAsync(cancellationToken);
        int fired = 0, recorded = 0, skipped = 0, failed = 0;
        foreach (var id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var outcome = await TickOneAsync(id, withExtensions.Contains(id), now, fence, cancellationToken);
            fired += outcome.Fired;
            recorded += outcome.Recorded ? 1 : 0;
            skipped += outcome.Skipped ? 1 : 0;
            failed += outcome.Failed ? 1 : 0;
            if (outcome.Deposed)
            {
                _logger.LogWarning("Scheduler lost leadership during a tick; stopped before schedule {ScheduleId}", id);
                return new SchedulerTickReport(ids.Count, fired, recorded, skipped, failed, true);
            }
        }

        return new SchedulerTickReport(ids.Count, fired, recorded, skipped, failed, false);
    }

    private async Task<OneOutcome> TickOneAsync(
        string id, bool hasExtensions, DateTimeOffset now, Func<CancellationToken, Task<bool>>? fence, CancellationToken ct)
    {
        Schedule schedule;
        CronExpression cron;
        SchedulePlanOptions options;
        try
        {
            var snapshot = await _store.GetAsync(id, ct);
            if (snapshot is null || !snapshot.Schedule.Enabled)
            {
                return OneOutcome.Nothing; // deleted since the listing, or disabled
            }

            schedule = snapshot.Schedule;
            cron = CronExpression.Parse(schedule.Cron);
            var ext = (hasExtensions ? await _store.GetExtensionsAsync(id, ct) : null) ?? _defaults;
            options = ScheduleExtensionsJson.ToPlanOptions(ext);
            KeyComponents.ValidateTaskType(schedule.TaskType);
        }
        catch (Exception ex) when (ex is MalformedObjectException or FormatException or ArgumentException)
        {
            _logger.LogWarning(ex, "Skipping schedule {ScheduleId}: {Problem}", id, ex.Message);
            return OneOutcome.Skip;
        }

        var last = await _store.GetLastRunAsync(id, ct);
        if (last is { Run: null })
        {
            _logger.LogWarning("Schedule {ScheduleId} has an unreadable last_run; planning from its creation", id);
        }

        var plan = SchedulePlanner.Plan(id, cron, options, schedule.CreatedAt, last?.Run?.LastRunAt, now, _random);
        if (plan.Due.Count == 0)
        {
            _logger.LogDebug("Schedule {ScheduleId}: nothing due at {Now:O} (last run {LastRunAt:O}, next {NextRunAt:O})", id, now, last?.Run?.LastRunAt, plan.NextRunAt);
            return OneOutcome.Nothing;
        }

        if (fence is not null && !await fence(ct))
        {
            return OneOutcome.WasDeposed;
        }

        Guid? lastTaskId = null;
        var submitted = 0;
        foreach (var slot in plan.Due)
        {
            try
            {
                lastTaskId = await SubmitSlotAsync(schedule, slot, ct);
                submitted++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // BUG-012: never advance last_run past a slot that was not submitted; the next tick retries it.
                _logger.LogWarning(ex, "Schedule {ScheduleId}: submit for slot {Slot} failed; last_run left unchanged", id, slot.SlotAt);
                return new OneOutcome(submitted, false, false, true, false);
            }
        }

        var run = new ScheduleLastRun(id, plan.LastRunAt, lastTaskId!.Value, plan.NextRunAt ?? plan.LastRunAt);
        var put = await _store.PutLastRunAsync(run, last?.ETag, ct);
        if (!put.Succeeded)
        {
            _logger.LogDebug("Schedule {ScheduleId}: last_run was recorded by another scheduler", id);
        }

        return new OneOutcome(plan.Due.Count, put.Succeeded, false, false, false);
    }

    /// <summary>Submits one slot; an idempotency conflict (input changed since the slot fired) yields the existing task.</summary>
    private async Task<Guid> SubmitSlotAsync(Schedule schedule, PlannedSlot slot, CancellationToken ct)
    {
        try
        {
            var options = ScheduleClient.RunOptions(schedule, slot.IdempotencyKey, slot.Delay);
            var task = await _client.SubmitAsync(schedule.TaskType, schedule.Input, options, ct);
            return task.Id;
        }
        catch (IdempotencyConflictException ex)
        {
            var taskId = await _client.FindIdempotentTaskIdAsync(schedule.TaskType, slot.IdempotencyKey, ct) ?? throw new ObjectStoreUnavailableException(
                $"The idempotency record of slot {slot.IdempotencyKey} vanished after a conflict.", ex);
            _logger.LogInformation(
                "Schedule {ScheduleId}: slot {Slot} already fired as task {TaskId} with an earlier input; recording it",
                schedule.Id, slot.SlotAt, taskId);
            return taskId;
        }
    }

    private sealed record OneOutcome(int Fired, bool Recorded, bool Skipped, bool Failed, bool Deposed)
    {
        public static readonly OneOutcome Nothing = new(0, false, false, false, false);
        public static readonly OneOutcome Skip = new(0, false, true, false, false);
        public static readonly OneOutcome WasDeposed = new(0, false, false, false, true);
    }
}
