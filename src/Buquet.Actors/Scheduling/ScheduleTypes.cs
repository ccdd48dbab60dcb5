using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Scheduling.Planning;

namespace Buquet.Actors.Scheduling;

/// <summary>What <see cref="ScheduleClient.CreateAsync"/> stores. Only <see cref="Id"/>, <see cref="TaskType"/> and
/// <see cref="Cron"/> are required.</summary>
/// <param name="Id">Schedule id (no <c>/</c>, <c>..</c> or control characters).</param>
/// <param name="TaskType">The task type each run submits.</param>
/// <param name="Cron">A 5-field cron expression with buquet's semantics (see <see cref="Cron.CronExpression"/>).</param>
public sealed record ScheduleSpec(string Id, string TaskType, string Cron)
{
    /// <summary>The input of every run (any JSON-serializable value; a <see cref="JsonElement"/> is used as is).</summary>
    public object? Input { get; init; }

    /// <summary>Lease length of each run (whole seconds); unset = the client's default at submit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Retries of each run; unset = the client's default at submit.</summary>
    public int? MaxRetries { get; init; }

    /// <summary>Whether the schedule fires.</summary>
    /// <value>The default is true.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>Extensions over buquet (time zone, catch-up, jitter, first run), stored apart from the definition;
    /// <c>null</c> = the scheduler's defaults (<c>buquet.scheduler.default-time-zone</c> and <c>catch-up</c>).</summary>
    /// <value>The default is <c>null</c>.</value>
    public ScheduleExtensions? Extensions { get; init; }
}

/// <summary>
/// Per-schedule improvements over buquet, honoured by Buquet.Actors schedulers only (buquet peers evaluate every
/// schedule in UTC, without catch-up or jitter). Stored in <c>schedule-options/{id}.json</c>; see ADR 0007.
/// </summary>
public sealed record ScheduleExtensions
{
    /// <summary>UTC, catch-up none, no jitter, first slot after creation.</summary>
    public static ScheduleExtensions Default { get; } = new();

    /// <summary>IANA time zone whose wall clock the cron describes.</summary>
    /// <value>The default is <c>UTC</c>.</value>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>What to do with missed slots.</summary>
    /// <value>The default is <see cref="CatchUpPolicy.None"/> (buquet's behaviour).</value>
    public CatchUpPolicy CatchUp { get; init; } = CatchUpPolicy.None;

    /// <summary>Upper bound (exclusive) of a random start delay per run; the slot and its key do not change.</summary>
    /// <value>The default is zero.</value>
    public TimeSpan MaxJitter { get; init; } = TimeSpan.Zero;

    /// <summary>Where a never-run schedule's first slot comes from.</summary>
    /// <value>The default is <see cref="FirstRunPolicy.AfterCreation"/> (no fire on the first tick).</value>
    public FirstRunPolicy FirstRun { get; init; } = FirstRunPolicy.AfterCreation;

}

/// <summary>Changes to a schedule; unset properties keep their stored value.</summary>
public sealed record ScheduleUpdate
{
    /// <summary>New cron expression.</summary>
    public string? Cron { get; init; }

    /// <summary>New input (set <see cref="ClearInput"/> to store <c>null</c>).</summary>
    public object? Input { get; init; }

    /// <summary>Store <c>null</c> as the input.</summary>
    public bool ClearInput { get; init; }

    /// <summary>New lease length per run.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Remove the stored timeout (runs take the client's default).</summary>
    public bool ClearTimeout { get; init; }

    /// <summary>New retries per run.</summary>
    public int? MaxRetries { get; init; }

    /// <summary>Remove the stored retries (runs take the client's default).</summary>
    public bool ClearMaxRetries { get; init; }

    /// <summary>Enable or disable.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Replace the extensions (time zone, catch-up, jitter, first run).</summary>
    public ScheduleExtensions? Extensions { get; init; }

    /// <summary>Remove the extensions: the schedule takes the scheduler's defaults again.</summary>
    public bool ClearExtensions { get; init; }
}

/// <summary>A stored schedule: buquet's definition plus this library's extensions.</summary>
/// <param name="Id">Schedule id.</param>
/// <param name="TaskType">Task type of each run.</param>
/// <param name="Input">Input of each run.</param>
/// <param name="Cron">The cron expression as stored.</param>
/// <param name="Enabled">Whether it fires.</param>
/// <param name="Timeout">Lease length per run, when stored.</param>
/// <param name="MaxRetries">Retries per run, when stored.</param>
/// <param name="CreatedAt">Creation time (store clock).</param>
/// <param name="UpdatedAt">Last change (store clock).</param>
/// <param name="Extensions">Time zone, catch-up, jitter, first run; <c>null</c> = the scheduler's defaults.</param>
public sealed record ScheduleDefinition(
    string Id,
    string TaskType,
    JsonElement? Input,
    string Cron,
    bool Enabled,
    TimeSpan? Timeout,
    int? MaxRetries,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ScheduleExtensions? Extensions);

/// <summary>The stored firing cursor (<c>schedules/{id}/last_run.json</c>).</summary>
/// <param name="LastRunAt">Tick time of the last run (not the cron slot).</param>
/// <param name="LastTaskId">The task the last run submitted.</param>
/// <param name="NextRunAt">The next slot as recorded, or <c>null</c> when the cron had no further occurrence
/// (stored as <c>next_run_at == last_run_at</c>, see ADR 0007).</param>
public sealed record ScheduleLastRunInfo(DateTimeOffset LastRunAt, Guid LastTaskId, DateTimeOffset? NextRunAt);

/// <summary>A schedule with its last run and upcoming slots.</summary>
/// <param name="Schedule">The definition.</param>
/// <param name="LastRun">The last run, or <c>null</c> when it never ran.</param>
/// <param name="NextRuns">The next slots after the store's now, in the schedule's zone (empty when disabled or none).</param>
public sealed record ScheduleDetails(ScheduleDefinition Schedule, ScheduleLastRunInfo? LastRun, IReadOnlyList<DateTimeOffset> NextRuns);

/// <summary>All schedules; objects that could not be read are reported, not thrown.</summary>
/// <param name="Schedules">Readable schedules, ordered by id.</param>
/// <param name="Malformed">Unreadable schedule objects.</param>
public sealed record ScheduleListing(IReadOnlyList<ScheduleDefinition> Schedules, IReadOnlyList<MalformedObjectException> Malformed);

/// <summary>A schedule with this id already exists.</summary>
public sealed class ScheduleAlreadyExistsException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ScheduleAlreadyExistsException() { }

    /// <summary>Creates the exception.</summary>
    public ScheduleAlreadyExistsException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ScheduleAlreadyExistsException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>No schedule has this id.</summary>
public sealed class ScheduleNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public ScheduleNotFoundException() { }

    /// <summary>Creates the exception.</summary>
    public ScheduleNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ScheduleNotFoundException(string message, Exception innerException) : base(message, innerException) { }
}
