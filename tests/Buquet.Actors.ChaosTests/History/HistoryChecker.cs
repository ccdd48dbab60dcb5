using Buquet.Actors.Diagnostics;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.ChaosTests.History;

/// <summary>
/// Checks a run's history: the submission plan, the final bucket state and the execution log. Every submitted task
/// must be in exactly one allowed terminal state, none running, none pending past its availability, none missing;
/// executions per task are counted and duplicates classified; concurrent executions of one task are measured against
/// the lease TTL; the time from each kill to the next start of every task the killed worker was running is measured.
/// </summary>
internal static class HistoryChecker
{
    private const int Examples = 5;

    /// <summary>Checks; never throws on a bad history (that is what the report is for).</summary>
    public static HistoryReport Check(IReadOnlyList<PlannedTask> plan, IReadOnlyDictionary<Guid, ObservedTask> final, ExecutionLogContents log, HistoryCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(final);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        var duplicatesInPlan = plan.GroupBy(p => p.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicatesInPlan.Count > 0)
        {
            throw new ArgumentException($"The plan lists task {duplicatesInPlan[0]} more than once.", nameof(plan));
        }

        var violations = new List<string>();
        var states = CheckStates(plan, final, options, violations, out var stateReport);
        var planned = plan.Select(p => p.Id).ToHashSet();
        var byTask = log.Executions.Where(x => planned.Contains(x.TaskId)).GroupBy(x => x.TaskId).ToDictionary(g => g.Key, g => g.OrderBy(x => x.Start.Attempt).ThenBy(x => x.StartedAt).ToList());
        var killed = options.Kills.ToLookup(k => k.Pid);

        var perTask = plan.GroupBy(p => byTask.TryGetValue(p.Id, out var xs) ? xs.Count : 0).ToDictionary(g => g.Key, g => g.Count());
        var (extra, explained, unexplained, causes) = ClassifyDuplicates(byTask, killed);
        var sameAttempt = byTask.SelectMany(kv => kv.Value.GroupBy(x => x.Start.Attempt).Where(g => g.Count() > 1)
            .Select(g => new SameAttemptDuplicate(kv.Key, g.Key, g.Count()))).ToList();
        var overlaps = byTask.SelectMany(kv => FindOverlaps(kv.Key, kv.Value, killed, options)).ToList();
        var recoveries = Recoveries(byTask, options.Kills);
        var times = recoveries.Where(r => r.Time is not null).Select(r => r.Time!.Value).Order().ToList();
        var completedWithout = states.Where(s => s.Value.Status == BuquetTaskStatus.Completed && !byTask.ContainsKey(s.Key)).Select(s => s.Key).ToList();

        if (options.FailOnUnexplainedDuplicates)
        {
            Add(violations, unexplained, "re-executed after an execution that ended completed");
        }

        Add(violations, sameAttempt.Select(s => s.TaskId).ToList(), "executed twice with the same attempt (fencing broken)");
        Add(violations, overlaps.Where(o => o.ExceedsLeaseTtl).Select(o => o.TaskId).Distinct().ToList(), $"executed concurrently for longer than the lease TTL ({options.LeaseTtl})");
        Add(violations, recoveries.Where(r => r.NextStartAt is null && !IsTerminal(states, r.TaskId)).Select(r => r.TaskId).ToList(), "in flight on a killed worker and never restarted nor terminal");
        if (options.MaxRecovery is { } max)
        {
            Add(violations, recoveries.Where(r => r.Time > max).Select(r => r.TaskId).ToList(), $"recovered more than {max} after its worker was killed");
        }

        if (options.RequireExecutionForCompleted)
        {
            Add(violations, completedWithout, "completed without any logged execution");
        }

        return stateReport with
        {
            Seed = options.Seed,
            Executions = byTask.Values.Sum(xs => xs.Count),
            ExecutionsPerTask = perTask,
            DuplicatedTasks = byTask.Count(kv => kv.Value.Count > 1),
            ExtraExecutions = extra,
            ExplainedExtraExecutions = explained,
            DuplicateCauses = causes,
            UnexplainedDuplicates = unexplained,
            SameAttemptDuplicates = sameAttempt,
            Overlaps = overlaps,
            MaxOverlap = overlaps.Count == 0 ? TimeSpan.Zero : overlaps.Max(o => o.Window),
            LeaseTtl = options.LeaseTtl,
            Kills = options.Kills.Count,
            Recoveries = recoveries,
            RecoveryP50 = Percentile(times, 0.50),
            RecoveryP99 = Percentile(times, 0.99),
            RecoveryMax = times.Count == 0 ? null : times[^1],
            CompletedWithoutExecution = completedWithout,
            ForeignExecutions = log.Executions.Count(x => !planned.Contains(x.TaskId)),
            TornLogLines = log.TornLines,
            BadLogLines = log.BadLines.Count,
            Violations = violations,
        };
    }

    private static Dictionary<Guid, ObservedTask> CheckStates(IReadOnlyList<PlannedTask> plan, IReadOnlyDictionary<Guid, ObservedTask> final, HistoryCheckOptions options, List<string> violations, out HistoryReport report)
    {
        var states = new Dictionary<Guid, ObservedTask>();
        var lost = new List<Guid>();
        var malformed = new List<Guid>();
        var running = new List<Guid>();
        var pending = new List<Guid>();
        var unexpected = new List<UnexpectedState>();
        foreach (var p in plan)
        {
            var seen = final.TryGetValue(p.Id, out var s) ? s : ObservedTask.Lost(p.Id);
            states[p.Id] = seen;
            if (seen.Missing)
            {
                lost.Add(p.Id);
            }
            else if (seen.Malformed is not null || seen.Status is null)
            {
                malformed.Add(p.Id);
            }
            else if (seen.Status == BuquetTaskStatus.Running)
            {
                running.Add(p.Id);
            }
            else if (seen.Status == BuquetTaskStatus.Pending && seen.AvailableAt <= options.CheckedAt)
            {
                pending.Add(p.Id);
            }

            if (seen.Status is not { } status || !p.Allowed.Contains(status))
            {
                unexpected.Add(new UnexpectedState(p.Id, seen.Status, string.Join("|", p.Allowed.Order())));
            }
        }

        Add(violations, lost, "lost (no task object)");
        Add(violations, malformed, "malformed");
        Add(violations, running, "still running");
        Add(violations, pending, "pending past their availability");
        var otherUnexpected = unexpected.Where(u => !lost.Contains(u.TaskId) && !malformed.Contains(u.TaskId) && !running.Contains(u.TaskId) && !pending.Contains(u.TaskId)).ToList();
        Add(violations, otherUnexpected.Select(u => u.TaskId).ToList(), "in a state the plan does not allow (" + string.Join(", ", otherUnexpected.Take(Examples).Select(u => $"{u.Status?.ToString() ?? "?"} not {u.Allowed}")) + ")");

        report = new HistoryReport
        {
            Submitted = plan.Count,
            FinalStates = states.Values.GroupBy(StateName).ToDictionary(g => g.Key, g => g.Count()),
            Lost = lost,
            Malformed = malformed,
            StuckRunning = running,
            StuckPending = pending,
            Unexpected = unexpected,
        };
        return states;
    }

    private static string StateName(ObservedTask t) =>
        t.Missing ? "missing" : t.Malformed is not null || t.Status is null ? "malformed" : t.Status.Value.ToString().ToLowerInvariant();

    private static bool IsTerminal(Dictionary<Guid, ObservedTask> states, Guid id) =>
        states.TryGetValue(id, out var s) && s.Status is BuquetTaskStatus.Completed or BuquetTaskStatus.Failed or BuquetTaskStatus.Cancelled or BuquetTaskStatus.Expired or BuquetTaskStatus.Archived;

    /// <summary>
    /// A re-execution is explained unless an execution before it ended <c>completed</c>. Its cause is how the execution
    /// just before it ended: its outcome (retry, timeout, lease_lost, abandoned, ...), or the signal that killed its
    /// process when it has no end line.
    /// </summary>
    private static (int Extra, int Explained, List<Guid> Unexplained, Dictionary<string, int> Causes) ClassifyDuplicates(Dictionary<Guid, List<Execution>> byTask, ILookup<int, WorkerKill> killed)
    {
        int extra = 0, explained = 0;
        var unexplained = new List<Guid>();
        var causes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (task, xs) in byTask)
        {
            for (var i = 1; i < xs.Count; i++)
            {
                extra++;
                var cause = Cause(xs[i - 1], killed);
                causes[cause] = causes.GetValueOrDefault(cause) + 1;
                if (xs.Take(i).Any(x => x.Outcome == ExecutionOutcomes.Completed && x.EndedAt <= xs[i].StartedAt))
                {
                    unexplained.Add(task);
                }
                else
                {
                    explained++;
                }
            }
        }

        return (extra, explained, unexplained.Distinct().ToList(), causes);
    }

    /// <summary>
    /// Kill times are the harness's local time moved to store time by one offset read at the start of the run, and the
    /// log's times are each worker's store-clock estimate; both come from S3 Last-Modified (1 s resolution). An
    /// execution that started up to this much "after" the kill of its process started before it. Without the slack, the
    /// second soak attributed 109 executions to "process gone" and took their end as the end of the run, reporting
    /// overlaps of minutes that were in fact killed processes.
    /// </summary>
    private static readonly TimeSpan KillClockSlack = TimeSpan.FromSeconds(2);

    private static string Cause(Execution previous, ILookup<int, WorkerKill> killed)
    {
        if (previous.Outcome is { } outcome)
        {
            return outcome;
        }

        var kill = killed[previous.Start.Pid].Where(k => k.WorkerId == previous.WorkerId && k.At >= previous.StartedAt - KillClockSlack).MinBy(k => k.At);
        return kill is null ? "no end line (process gone)" : $"worker {kill.Signal}";
    }

    private static IEnumerable<Overlap> FindOverlaps(Guid task, List<Execution> xs, ILookup<int, WorkerKill> killed, HistoryCheckOptions options)
    {
        for (var i = 0; i < xs.Count; i++)
        {
            for (var j = i + 1; j < xs.Count; j++)
            {
                if (SameProcessOneAfterTheOther(xs[i], xs[j]))
                {
                    continue;
                }

                var from = Max(xs[i].StartedAt, xs[j].StartedAt);
                var to = Min(EndOf(xs[i], killed, options), EndOf(xs[j], killed, options));
                if (to > from)
                {
                    yield return new Overlap(task, Who(xs[i]), Who(xs[j]), from, to, to - from > options.LeaseTtl);
                }
            }
        }
    }

    /// <summary>
    /// Two executions in one process, one ended before the other started by that process's own clock. Their store-clock
    /// stamps come from an estimate that a resync can move by a second, which made sequential runs (a retry right after
    /// a failure) look overlapping or reversed; the local clock of one process does not jump like that.
    /// </summary>
    private static bool SameProcessOneAfterTheOther(Execution a, Execution b)
    {
        if (a.Start.Pid != b.Start.Pid || a.WorkerId != b.WorkerId
            || a.Start.LocalAt is not { } aStart || b.Start.LocalAt is not { } bStart
            || a.End?.LocalAt is not { } aEnd || b.End?.LocalAt is not { } bEnd)
        {
            return false;
        }

        return aEnd <= bStart || bEnd <= aStart;
    }

    private static DateTimeOffset EndOf(Execution x, ILookup<int, WorkerKill> killed, HistoryCheckOptions options)
    {
        if (x.EndedAt is { } end)
        {
            return end;
        }

        var kill = killed[x.Start.Pid].Where(k => k.WorkerId == x.WorkerId && k.At >= x.StartedAt - KillClockSlack).Select(k => (DateTimeOffset?)k.At).Min();
        return kill ?? Max(options.CheckedAt, x.StartedAt);
    }

    private static List<Recovery> Recoveries(Dictionary<Guid, List<Execution>> byTask, IReadOnlyList<WorkerKill> kills)
    {
        var result = new List<Recovery>();
        foreach (var kill in kills)
        {
            foreach (var (task, xs) in byTask)
            {
                var inFlight = xs.FirstOrDefault(x => x.Start.Pid == kill.Pid && x.WorkerId == kill.WorkerId && x.End is null && x.StartedAt <= kill.At + KillClockSlack);
                if (inFlight is null)
                {
                    continue;
                }

                var next = xs.Where(x => x != inFlight && x.StartedAt >= inFlight.StartedAt && x.Start.Pid != kill.Pid).Select(x => (DateTimeOffset?)x.StartedAt).Min();
                result.Add(new Recovery(task, kill.WorkerId, kill.Pid, kill.At, next));
            }
        }

        return result;
    }

    private static string Who(Execution x) => $"{x.WorkerId}/{x.Start.Pid}";

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    internal static TimeSpan? Percentile(IReadOnlyList<TimeSpan> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static void Add(List<string> violations, IReadOnlyList<Guid> tasks, string what)
    {
        if (tasks.Count > 0)
        {
            violations.Add($"{tasks.Count} task(s) {what}: {string.Join(", ", tasks.Take(Examples))}{(tasks.Count > Examples ? ", …" : "")}");
        }
    }
}
