using Buquet.Actors.Scheduling.Cron;

namespace Buquet.Actors.Scheduling.Planning;

/// <summary>
/// Pure slot planning for one schedule at one tick: which cron slots are due at the store clock's
/// <c>now</c>, their idempotency keys and jitter, and what to record in <c>last_run</c>. No storage, no clock.
/// </summary>
/// <remarks>
/// A slot is due when it lies in <c>(cursor, now]</c>, where the cursor is the stored <c>last_run_at</c>, or, for a
/// schedule that never ran, its <c>created_at</c> (<see cref="FirstRunPolicy.AfterCreation"/>) or 1970-01-01
/// (<see cref="FirstRunPolicy.FromEpoch"/>, buquet). With the default options the result is exactly buquet's
/// tick: at most one run, keyed by the first slot after the cursor.
/// </remarks>
internal static class SchedulePlanner
{
    private static readonly TimeSpan FirstWindow = TimeSpan.FromHours(1);

    /// <summary>Plans one tick.</summary>
    /// <param name="scheduleId">The schedule id (part of the idempotency key).</param>
    /// <param name="cron">The schedule's cron.</param>
    /// <param name="options">Zone, catch-up, jitter and first-run policy.</param>
    /// <param name="createdAt">The schedule's <c>created_at</c>.</param>
    /// <param name="lastRunAt">The stored <c>last_run_at</c>, or <c>null</c> when the schedule never ran.</param>
    /// <param name="now">The store clock's now.</param>
    /// <param name="random">Uniform values in [0, 1) for jitter; required when <c>MaxJitter</c> is positive.</param>
    /// <returns>The plan.</returns>
    public static SchedulePlan Plan(
        string scheduleId,
        CronExpression cron,
        SchedulePlanOptions options,
        DateTimeOffset createdAt,
        DateTimeOffset? lastRunAt,
        DateTimeOffset now,
        Func<double>? random = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleId);
        ArgumentNullException.ThrowIfNull(cron);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxJitter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.MaxJitter, $"MaxJitter must not be negative; got {options.MaxJitter}.");
        }

        if (options.MaxJitter > TimeSpan.Zero && random is null)
        {
            throw new ArgumentException("Jitter needs an injected random source (Func<double> in [0, 1)).", nameof(random));
        }

        var cursor = lastRunAt
            ?? (options.FirstRun == FirstRunPolicy.FromEpoch ? DateTimeOffset.UnixEpoch : createdAt);
        var zone = options.TimeZone;
        var slots = options.CatchUp.Mode == CatchUpMode.None
            ? FirstDue(cron, zone, cursor, now)
            : NewestDue(cron, zone, cursor, now, options.CatchUp.MaxSlots);

        var due = new List<PlannedSlot>(slots.Count);
        foreach (var slot in slots)
        {
            due.Add(new PlannedSlot(slot, ScheduleSlotKey.For(scheduleId, slot), Jitter(options.MaxJitter, random)));
        }

        return new SchedulePlan(due, now, cron.GetNextOccurrence(now, zone));
    }

    private static List<DateTimeOffset> FirstDue(CronExpression cron, TimeZoneInfo zone, DateTimeOffset cursor, DateTimeOffset now)
    {
        var first = cron.GetNextOccurrence(cursor, zone);
        return first is { } slot && slot <= now ? [slot] : [];
    }

    /// <summary>The newest <paramref name="max"/> slots in (cursor, now], oldest first. Searches windows that grow
    /// back from <paramref name="now"/>, so a long backlog of a frequent cron costs only about <c>max</c> steps.</summary>
    private static List<DateTimeOffset> NewestDue(
        CronExpression cron, TimeZoneInfo zone, DateTimeOffset cursor, DateTimeOffset now, int max)
    {
        if (now <= cursor)
        {
            return [];
        }

        var window = FirstWindow;
        while (true)
        {
            var reachesCursor = now - cursor <= window;
            var from = reachesCursor ? cursor : now - window;
            var newest = new Queue<DateTimeOffset>(max);
            var at = from;
            while (cron.GetNextOccurrence(at, zone) is { } slot && slot <= now)
            {
                if (newest.Count == max)
                {
                    newest.Dequeue();
                }

                newest.Enqueue(slot);
                at = slot;
            }

            if (newest.Count == max || reachesCursor)
            {
                return [.. newest];
            }

            window *= 4;
        }
    }

    private static TimeSpan Jitter(TimeSpan maxJitter, Func<double>? random)
    {
        if (maxJitter <= TimeSpan.Zero || random is null)
        {
            return TimeSpan.Zero;
        }

        var r = random();
        if (!(r >= 0.0 && r < 1.0))
        {
            throw new InvalidOperationException($"The random source returned {r}; expected a value in [0, 1).");
        }

        return TimeSpan.FromTicks((long)(maxJitter.Ticks * r));
    }
}
