using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Buquet.Actors.Diagnostics;

/// <summary>Why a task failed, as the <c>reason</c> tag of <c>buquet.tasks.failed</c> (buquet's values).</summary>
public enum TaskFailureReason
{
    /// <summary>The lease expired before the handler finished.</summary>
    Timeout,

    /// <summary>The handler raised a retryable error.</summary>
    Retryable,

    /// <summary>The handler raised a permanent error.</summary>
    Permanent,

    /// <summary>No handler is registered for the task type.</summary>
    NoHandler,
}

/// <summary>
/// The process-wide <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/>
/// named <c>Buquet.Actors</c>. Instrument names are buquet's (protocol §6.5), so one Grafana dashboard works across a
/// mixed Rust/Python/.NET fleet; .NET-only instruments start with <c>buquet.s3.</c>, <c>buquet.tasks.in_flight</c> and
/// <c>buquet.actors.</c>. Every method is thread-safe and costs nothing when nobody listens.
/// </summary>
public static class BuquetTelemetry
{
    /// <summary>Name of the meter and of the activity source.</summary>
    public const string Name = "Buquet.Actors";

    /// <summary>The meter every Buquet.Actors instrument belongs to.</summary>
    public static Meter Meter { get; } = new(Name, typeof(BuquetTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The activity source of task executions (<see cref="StartTaskActivity"/>).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(BuquetTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Bucket bounds (seconds) of every duration histogram, given to exporters as instrument advice: from 1 ms (an S3
    /// request on loopback) to 5 min (a long handler). Exporters that honour advice (OpenTelemetry's) use them as is.
    /// </summary>
    internal static IReadOnlyList<double> SecondsBuckets { get; } = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private static readonly Counter<long> Submitted = Meter.CreateCounter<long>("buquet.tasks.submitted", "{task}", "Tasks submitted");
    private static readonly Counter<long> Completed = Meter.CreateCounter<long>("buquet.tasks.completed", "{task}", "Tasks completed");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("buquet.tasks.failed", "{task}", "Task attempts that failed, by reason");
    private static readonly Counter<long> Rescheduled = Meter.CreateCounter<long>("buquet.tasks.rescheduled", "{task}", "Tasks rescheduled");
    private static readonly Counter<long> Cancelled = Meter.CreateCounter<long>("buquet.tasks.cancelled", "{task}", "Tasks cancelled");
    private static readonly Counter<long> Expired = Meter.CreateCounter<long>("buquet.tasks.expired", "{task}", "Tasks expired");
    private static readonly Counter<long> ClaimSuccess = Meter.CreateCounter<long>("buquet.claims.success", "{claim}", "Claims won");
    private static readonly Counter<long> ClaimConflict = Meter.CreateCounter<long>("buquet.claims.conflict", "{claim}", "Claims lost to another worker");
    private static readonly Counter<long> TimeoutRecovered = Meter.CreateCounter<long>("buquet.tasks.timeout_recovered", "{task}", "Expired leases recovered by the monitor");
    private static readonly Counter<long> RetriesExhausted = Meter.CreateCounter<long>("buquet.tasks.retries_exhausted", "{task}", "Tasks failed for good after their last retry");
    private static readonly Histogram<double> TaskDuration = SecondsHistogram("buquet.task.duration_seconds", "Handler run time per attempt");
    private static readonly Histogram<double> RescheduleDelay = SecondsHistogram("buquet.reschedule.delay_seconds", "Requested reschedule delays");
    private static readonly Counter<long> WakeUps = Meter.CreateCounter<long>("buquet.poller.wakeups", "{wakeup}", "Polls brought forward, by path: hint (S3 wake-up hint moved) or push (clustered fleet)");
    private static readonly Counter<long> Pickups = Meter.CreateCounter<long>("buquet.worker.pickups", "{claim}", "Claims won, by the path that woke them: push (a cluster message), hint (the S3 wake-up hint) or poll (the regular cadence)");
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<object, Func<(string State, int Members)>> FleetSources = new();
    private static readonly ObservableGauge<int> FleetMembers = Meter.CreateObservableGauge("buquet.cluster.members", ObserveFleets, "{member}", "Reachable Up members of the clustered fleet this process sees (itself included), tagged with its state: isolated or clustered (ADR 0026)");
    private static readonly UpDownCounter<long> InFlight = Meter.CreateUpDownCounter<long>("buquet.tasks.in_flight", "{task}", "Tasks being executed by this process");
    private static readonly UpDownCounter<long> MailboxDepth = Meter.CreateUpDownCounter<long>("buquet.actors.mailbox_depth", "{message}", "Messages waiting in actor mailboxes");

    /// <summary>Counts one submitted task (<c>buquet.tasks.submitted{task_type}</c>).</summary>
    public static void TaskSubmitted(string taskType) => Submitted.Add(1, Type(taskType));

    /// <summary>Counts one completed task and records its handler duration (<c>buquet.tasks.completed</c>, <c>buquet.task.duration_seconds</c>).</summary>
    public static void TaskCompleted(string taskType, TimeSpan duration)
    {
        Completed.Add(1, Type(taskType));
        TaskDuration.Record(duration.TotalSeconds, Type(taskType));
    }

    /// <summary>Counts one failed attempt (<c>buquet.tasks.failed{task_type,reason}</c>) and records its duration when known.</summary>
    public static void TaskFailed(string taskType, TaskFailureReason reason, TimeSpan? duration = null)
    {
        Failed.Add(1, Type(taskType), new KeyValuePair<string, object?>("reason", ReasonTag(reason)));
        if (duration is { } d)
        {
            TaskDuration.Record(d.TotalSeconds, Type(taskType));
        }
    }

    /// <summary>Counts one reschedule and records the delay (<c>buquet.tasks.rescheduled</c>, <c>buquet.reschedule.delay_seconds</c>).</summary>
    public static void TaskRescheduled(string taskType, TimeSpan delay)
    {
        Rescheduled.Add(1, Type(taskType));
        RescheduleDelay.Record(delay.TotalSeconds, Type(taskType));
    }

    /// <summary>Counts one cancelled task (<c>buquet.tasks.cancelled</c>).</summary>
    public static void TaskCancelled(string taskType) => Cancelled.Add(1, Type(taskType));

    /// <summary>Counts one expired task (<c>buquet.tasks.expired</c>).</summary>
    public static void TaskExpired(string taskType) => Expired.Add(1, Type(taskType));

    /// <summary>Counts a poll brought forward (<c>buquet.poller.wakeups</c>) by its path: <c>hint</c> (the S3 wake-up hint moved) or <c>push</c> (a clustered fleet's member).</summary>
    public static void PollerWokenUp(string path) => WakeUps.Add(1, new KeyValuePair<string, object?>("path", path));

    /// <summary>Counts a claim won (<c>buquet.worker.pickups</c>) by the path that woke it: <c>push</c>, <c>hint</c> or <c>poll</c>.</summary>
    public static void WorkerPickedUp(string path) => Pickups.Add(1, new KeyValuePair<string, object?>("path", path));

    /// <summary>
    /// Reports a clustered-fleet member's state as <c>buquet.cluster.members{state}</c> until the returned handle is
    /// disposed; <paramref name="source"/> is read at each collection and must be thread-safe. Nothing is reported for a
    /// process without the cluster (its state is absent).
    /// </summary>
    internal static IDisposable ObserveFleet(Func<(string State, int Members)> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var handle = new FleetHandle();
        FleetSources[handle] = source;
        _ = FleetMembers; // the gauge exists before the first collection
        return handle;
    }

    private static IEnumerable<Measurement<int>> ObserveFleets() =>
        [.. FleetSources.Values.Select(f => f()).Select(s => new Measurement<int>(s.Members, new KeyValuePair<string, object?>("state", s.State)))];

    /// <summary>Counts a claim attempt: won (<c>buquet.claims.success</c>) or lost to a concurrent writer (<c>buquet.claims.conflict</c>).</summary>
    public static void Claim(string taskType, bool won) => (won ? ClaimSuccess : ClaimConflict).Add(1, Type(taskType));

    /// <summary>Counts one lease recovered by the monitor (<c>buquet.tasks.timeout_recovered</c>).</summary>
    public static void TimeoutRecoveredTask(string taskType) => TimeoutRecovered.Add(1, Type(taskType));

    /// <summary>Counts one task that failed for good after its last retry (<c>buquet.tasks.retries_exhausted</c>).</summary>
    public static void TaskRetriesExhausted(string taskType) => RetriesExhausted.Add(1, Type(taskType));

    /// <summary>Changes the mailbox depth of an actor kind (<c>buquet.actors.mailbox_depth{actor}</c>): +1 on enqueue, −1 on dequeue.</summary>
    public static void MailboxDepthChanged(string actorKind, long delta) =>
        MailboxDepth.Add(delta, new KeyValuePair<string, object?>("actor", actorKind));

    /// <summary>
    /// Marks one task execution as in flight (<c>buquet.tasks.in_flight</c>) until the returned scope is disposed.
    /// </summary>
    public static InFlightScope TrackInFlight(string taskType)
    {
        InFlight.Add(1, Type(taskType));
        return new InFlightScope(taskType);
    }

    /// <summary>
    /// Starts the <c>buquet.task.execute</c> activity of one task execution (kind Consumer) with tags
    /// <c>buquet.task.id</c>, <c>buquet.task.type</c>, <c>buquet.task.attempt</c> (and <c>buquet.worker.id</c> when given).
    /// Returns <c>null</c> when nobody listens. Dispose it when the attempt ends; call <see cref="SetTaskOutcome"/> first.
    /// </summary>
    public static Activity? StartTaskActivity(Guid taskId, string taskType, long attempt, string? workerId = null)
    {
        var activity = ActivitySource.StartActivity("buquet.task.execute", ActivityKind.Consumer);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("buquet.task.id", taskId.ToString("D"));
        activity.SetTag("buquet.task.type", taskType);
        activity.SetTag("buquet.task.attempt", attempt);
        if (workerId is not null)
        {
            activity.SetTag("buquet.worker.id", workerId);
        }

        return activity;
    }

    /// <summary>Records how the attempt ended on its activity: <c>buquet.task.outcome</c> and an error status when it failed.</summary>
    public static void SetTaskOutcome(Activity? activity, string outcome, string? error = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("buquet.task.outcome", outcome);
        if (error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
    }

    internal static string ReasonTag(TaskFailureReason reason) => reason switch
    {
        TaskFailureReason.Timeout => "timeout",
        TaskFailureReason.Retryable => "retryable",
        TaskFailureReason.Permanent => "permanent",
        TaskFailureReason.NoHandler => "no_handler",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown failure reason."),
    };

    private static KeyValuePair<string, object?> Type(string taskType) => new("task_type", taskType);

    /// <summary>A histogram in seconds (unit <c>s</c>) with <see cref="SecondsBuckets"/> as its advised bucket bounds.</summary>
    internal static Histogram<double> SecondsHistogram(string name, string description) =>
        Meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    private sealed class FleetHandle : IDisposable
    {
        public void Dispose() => FleetSources.TryRemove(this, out _);
    }

    /// <summary>Ends an in-flight mark (<see cref="TrackInFlight"/>) once.</summary>
    public sealed class InFlightScope : IDisposable
    {
        private readonly string _taskType;
        private int _disposed;

        internal InFlightScope(string taskType) => _taskType = taskType;

        /// <summary>Decrements <c>buquet.tasks.in_flight</c>.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                InFlight.Add(-1, Type(_taskType));
            }
        }
    }
}
