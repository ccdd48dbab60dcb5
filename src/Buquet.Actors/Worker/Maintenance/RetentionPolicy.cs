using Buquet.Actors.Configuration;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>
/// How long finished tasks are kept (<c>buquet.retention</c>): per terminal status, the age after the task reached it
/// (<c>completed_at</c>, <c>cancelled_at</c>, <c>expired_at</c>; <c>updated_at</c> for archived tasks or when the
/// status's own time is missing). Zero keeps tasks in that status forever. Pending and running tasks are never removed.
/// </summary>
internal sealed record RetentionPolicy(TimeSpan Completed, TimeSpan Failed, TimeSpan Cancelled, TimeSpan Expired, TimeSpan Archived)
{
    /// <summary>Keeps everything.</summary>
    public static RetentionPolicy Off { get; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>True when some status is removed at all.</summary>
    public bool Enabled => Ages.Any(a => a > TimeSpan.Zero);

    /// <summary>The smallest enabled age: a task object last written more recently than this cannot be due.</summary>
    public TimeSpan MinAge => Enabled ? Ages.Where(a => a > TimeSpan.Zero).Min() : TimeSpan.MaxValue;

    private IEnumerable<TimeSpan> Ages => [Completed, Failed, Cancelled, Expired, Archived];

    /// <summary>From <c>buquet.retention</c>.</summary>
    public static RetentionPolicy FromOptions(RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RetentionPolicy(options.Completed, options.Failed, options.Cancelled, options.Expired, options.Archived).Validate();
    }

    /// <summary>Throws naming a negative age.</summary>
    public RetentionPolicy Validate()
    {
        foreach (var (name, age) in new[] { ("completed", Completed), ("failed", Failed), ("cancelled", Cancelled), ("expired", Expired), ("archived", Archived) })
        {
            if (age < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, age, $"Retention age for {name} tasks must not be negative (zero keeps them).");
            }
        }

        return this;
    }

    /// <summary>When <paramref name="task"/> may be removed (store time); <c>null</c> = never (not finished, or kept).</summary>
    public DateTimeOffset? RemovableAt(TaskRecord task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var (age, since) = task.Status switch
        {
            BuquetTaskStatus.Completed => (Completed, task.CompletedAt),
            BuquetTaskStatus.Failed => (Failed, task.CompletedAt),
            BuquetTaskStatus.Cancelled => (Cancelled, task.CancelledAt),
            BuquetTaskStatus.Expired => (Expired, task.ExpiredAt),
            BuquetTaskStatus.Archived => (Archived, task.UpdatedAt),
            _ => (TimeSpan.Zero, null),
        };
        if (age <= TimeSpan.Zero)
        {
            return null;
        }

        var from = since ?? task.UpdatedAt;
        return from > DateTimeOffset.MaxValue - age ? DateTimeOffset.MaxValue : from + age;
    }
}
