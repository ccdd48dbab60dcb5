using System.Globalization;

namespace Buquet.Actors.Scheduling.Planning;

/// <summary>One run a tick should submit.</summary>
/// <param name="SlotAt">The cron slot the run stands for.</param>
/// <param name="IdempotencyKey">The submit's idempotency key, <c>schedule:{id}:{slot unix seconds}</c>.</param>
/// <param name="Delay">Jitter: submit with <c>schedule_at = now + Delay</c> (zero = available now).</param>
internal sealed record PlannedSlot(DateTimeOffset SlotAt, string IdempotencyKey, TimeSpan Delay);

/// <summary>The outcome of planning one schedule at one tick.</summary>
/// <param name="Due">The runs to submit now, oldest slot first; empty when nothing is due.</param>
/// <param name="LastRunAt">The <c>last_run_at</c> to record once every run was submitted: the tick time, as
/// buquet peers record it (any slot at or before it counts as handled).</param>
/// <param name="NextRunAt">The <c>next_run_at</c> to record: the first slot strictly after the tick, or <c>null</c>
/// when the cron has no further occurrence.</param>
internal sealed record SchedulePlan(IReadOnlyList<PlannedSlot> Due, DateTimeOffset LastRunAt, DateTimeOffset? NextRunAt);

/// <summary>The slot idempotency key shared with buquet peers.</summary>
internal static class ScheduleSlotKey
{
    /// <summary>Formats <c>schedule:{scheduleId}:{unix seconds of slot}</c>, e.g.
    /// <c>schedule:daily-report:1769601600</c>.</summary>
    public static string For(string scheduleId, DateTimeOffset slotAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleId);
        return string.Create(
            CultureInfo.InvariantCulture, $"schedule:{scheduleId}:{slotAt.ToUnixTimeSeconds()}");
    }
}
