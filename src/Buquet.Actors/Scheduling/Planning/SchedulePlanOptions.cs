namespace Buquet.Actors.Scheduling.Planning;

/// <summary>Where the first slot of a schedule that has never run comes from.</summary>
public enum FirstRunPolicy
{
    /// <summary>The first slot strictly after the schedule's <c>created_at</c> (default): no run on the first tick.</summary>
    AfterCreation,

    /// <summary>buquet's behaviour: the first slot after 1970-01-01, so a new schedule fires on the very next tick
    /// with a key such as <c>schedule:daily:32400</c>.</summary>
    FromEpoch,
}

/// <summary>The per-schedule options of slot planning. The defaults give buquet's slots and keys.</summary>
public sealed record SchedulePlanOptions
{
    /// <summary>The default options: UTC, catch-up none, no jitter, first slot after creation.</summary>
    public static SchedulePlanOptions Default { get; } = new();

    /// <summary>The zone whose wall clock the cron fields describe.</summary>
    /// <value>The default is UTC, as buquet peers evaluate.</value>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>What to do with missed slots.</summary>
    /// <value>The default is <see cref="CatchUpPolicy.None"/> (buquet-compatible).</value>
    public CatchUpPolicy CatchUp { get; init; } = CatchUpPolicy.None;

    /// <summary>Upper bound (exclusive) of a random delay added to each run's start; it never changes the slot or
    /// its idempotency key.</summary>
    /// <value>The default is zero (no jitter).</value>
    public TimeSpan MaxJitter { get; init; } = TimeSpan.Zero;

    /// <summary>Where a never-run schedule's first slot comes from.</summary>
    /// <value>The default is <see cref="FirstRunPolicy.AfterCreation"/>.</value>
    public FirstRunPolicy FirstRun { get; init; } = FirstRunPolicy.AfterCreation;
}
