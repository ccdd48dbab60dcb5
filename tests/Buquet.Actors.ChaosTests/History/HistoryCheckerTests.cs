using System.Text.Json;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.ChaosTests.History;

public sealed class HistoryCheckerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    /// <summary>A hand-made history.</summary>
    private sealed class History
    {
        public List<PlannedTask> Plan { get; } = [];

        public Dictionary<Guid, ObservedTask> Final { get; } = [];

        public List<ExecutionLogEntry> Log { get; } = [];

        public List<WorkerKill> Kills { get; } = [];

        public Guid Task(BuquetTaskStatus? final = BuquetTaskStatus.Completed, double availableAtS = 0)
        {
            var id = Guid.NewGuid();
            Plan.Add(PlannedTask.MustComplete(id, "buquet.echo"));
            if (final is { } status)
            {
                Final[id] = new ObservedTask(id, status, T0.AddSeconds(availableAtS), 1, "w-1");
            }

            return id;
        }

        public void Run(Guid task, string worker, int pid, double startS, double? endS, string outcome = ExecutionOutcomes.Completed, long attempt = 1)
        {
            var exec = Guid.NewGuid();
            Log.Add(new ExecutionLogEntry(ExecutionEvent.Start, exec, task, attempt, worker, pid, T0.AddSeconds(startS)));
            if (endS is { } end)
            {
                Log.Add(new ExecutionLogEntry(ExecutionEvent.End, exec, task, attempt, worker, pid, T0.AddSeconds(end), Outcome: outcome));
            }
        }

        public void RunLocal(Guid task, string worker, int pid, long attempt, double startS, double endS, double localStartS, double localEndS, string outcome)
        {
            var exec = Guid.NewGuid();
            Log.Add(new ExecutionLogEntry(ExecutionEvent.Start, exec, task, attempt, worker, pid, T0.AddSeconds(startS), LocalAt: T0.AddSeconds(localStartS)));
            Log.Add(new ExecutionLogEntry(ExecutionEvent.End, exec, task, attempt, worker, pid, T0.AddSeconds(endS), Outcome: outcome, LocalAt: T0.AddSeconds(localEndS)));
        }

        public HistoryReport Check(TimeSpan? maxRecovery = null) => HistoryChecker.Check(Plan, Final, ExecutionLogReader.Pair(Log), new HistoryCheckOptions
        {
            LeaseTtl = Ttl,
            CheckedAt = T0.AddMinutes(10),
            Kills = Kills,
            MaxRecovery = maxRecovery,
            Seed = 1234,
        });
    }

    [Fact]
    public void Check_EveryTaskCompletedOnce_Passes()
    {
        var h = new History();
        for (var i = 0; i < 3; i++)
        {
            h.Run(h.Task(), "w-1", 10, i, i + 0.5);
        }

        var r = h.Check();
        Assert.True(r.Passed, string.Join("; ", r.Violations));
        Assert.Equal(3, r.Executions);
        Assert.Equal(3, r.ExecutionsPerTask[1]);
        Assert.Equal(0, r.DuplicatedTasks);
        Assert.Equal(3, r.FinalStates["completed"]);
    }

    [Fact]
    public void Check_TaskObjectMissing_FailsAsLost()
    {
        var h = new History();
        h.Run(h.Task(), "w-1", 10, 0, 1);
        var lost = h.Task(final: null);
        var r = h.Check();
        Assert.False(r.Passed);
        Assert.Equal([lost], r.Lost);
        Assert.Contains(r.Violations, v => v.Contains("lost", StringComparison.Ordinal) && v.Contains(lost.ToString(), StringComparison.Ordinal));
        Assert.Equal(1, r.FinalStates["missing"]);
    }

    [Fact]
    public void Check_TaskStillRunning_FailsAsStuck()
    {
        var h = new History();
        var stuck = h.Task(BuquetTaskStatus.Running);
        h.Run(stuck, "w-1", 10, 0, null);
        var r = h.Check();
        Assert.False(r.Passed);
        Assert.Equal([stuck], r.StuckRunning);
        Assert.Contains(r.Violations, v => v.Contains("still running", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_PendingPastAvailability_FailsAsStuckPending()
    {
        var h = new History();
        var stuck = h.Task(BuquetTaskStatus.Pending, availableAtS: 5);
        var r = h.Check();
        Assert.False(r.Passed);
        Assert.Equal([stuck], r.StuckPending);
    }

    [Fact]
    public void Check_PendingInTheFuture_NotStuckButNotTerminalEither()
    {
        var h = new History();
        var waiting = h.Task(BuquetTaskStatus.Pending, availableAtS: 3600);
        var r = h.Check();
        Assert.False(r.Passed);
        Assert.Empty(r.StuckPending);
        Assert.Equal(waiting, Assert.Single(r.Unexpected).TaskId);
    }

    [Fact]
    public void Check_FailedWhenPlanSaysCompleted_Fails()
    {
        var h = new History();
        var t = h.Task(BuquetTaskStatus.Failed);
        h.Run(t, "w-1", 10, 0, 1, ExecutionOutcomes.Failed);
        var r = h.Check();
        Assert.False(r.Passed);
        Assert.Contains(r.Violations, v => v.Contains("Failed not Completed", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_MalformedObject_Fails()
    {
        var h = new History();
        var t = h.Task(final: null);
        h.Final[t] = new ObservedTask(t, null, default, 0, null, Malformed: "status 'zombie' is not a status");
        var r = h.Check();
        Assert.False(r.Passed);
        Assert.Equal([t], r.Malformed);
        Assert.Empty(r.Lost);
    }

    [Fact]
    public void Check_OverlapLongerThanLeaseTtl_FailsWithWindow()
    {
        var h = new History();
        var t = h.Task();
        h.Run(t, "w-1", 10, 0, 50, ExecutionOutcomes.LeaseLost);
        h.Run(t, "w-2", 20, 5, 60, attempt: 2);
        var r = h.Check();
        Assert.False(r.Passed);
        var overlap = Assert.Single(r.Overlaps);
        Assert.Equal(TimeSpan.FromSeconds(45), overlap.Window);
        Assert.True(overlap.ExceedsLeaseTtl);
        Assert.Equal("w-1/10", overlap.First);
        Assert.Contains(r.Violations, v => v.Contains("lease TTL", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_ShortOverlapWithinLeaseTtl_PassesAndIsReported()
    {
        var h = new History();
        var t = h.Task();
        h.Run(t, "w-1", 10, 0, 31, ExecutionOutcomes.LeaseLost);
        h.Run(t, "w-2", 20, 30, 32, attempt: 2);
        var r = h.Check();
        Assert.True(r.Passed, string.Join("; ", r.Violations));
        Assert.Equal(TimeSpan.FromSeconds(1), r.MaxOverlap);
        Assert.Equal(1, r.ExplainedExtraExecutions);
    }

    [Fact]
    public void Check_KilledWorkersTaskRerunElsewhere_RecoveryMeasuredAndOverlapEndsAtKill()
    {
        var h = new History();
        var t = h.Task();
        h.Run(t, "w-1", 10, 0, null);
        h.Kills.Add(new WorkerKill("w-1", 10, T0.AddSeconds(2)));
        h.Run(t, "w-2", 20, 32, 33, attempt: 2);
        var r = h.Check();
        Assert.True(r.Passed, string.Join("; ", r.Violations));
        var recovery = Assert.Single(r.Recoveries);
        Assert.Equal(TimeSpan.FromSeconds(30), recovery.Time);
        Assert.Equal(TimeSpan.FromSeconds(30), r.RecoveryP50);
        Assert.Empty(r.Overlaps);
        Assert.Equal(1, r.DuplicatedTasks);
        Assert.Empty(r.UnexplainedDuplicates);
        Assert.Equal(1, r.DuplicateCauses["worker SIGKILL"]);
    }

    [Fact]
    public void Check_KillRecordedWithinTheClockResolutionBeforeTheStart_StillEndsTheExecution()
    {
        // The kill's store time comes from one offset and the start's from the worker's clock estimate, both at S3's
        // 1 s resolution: a start stamped just after the kill of its process still ended with that kill.
        var h = new History();
        var t = h.Task();
        h.Run(t, "w-1", 10, 3, null);
        h.Kills.Add(new WorkerKill("w-1", 10, T0.AddSeconds(2.2)));
        h.Run(t, "w-2", 20, 35, 36, attempt: 2);
        var r = h.Check();
        Assert.True(r.Passed, string.Join("; ", r.Violations));
        Assert.Empty(r.Overlaps);
        Assert.Equal(1, r.DuplicateCauses["worker SIGKILL"]);
    }

    [Fact]
    public void Check_StoreClockEstimateMovedBetweenARetryAndItsNextAttempt_OrderedByAttemptAndNoOverlap()
    {
        // Soak 5: one process ran attempt 1 (ended "retry") and then attempt 2, but a clock resync in between stamped
        // attempt 2's start 3 ms before attempt 1's; the checker reported a re-execution after "completed" and an overlap.
        var h = new History();
        var t = h.Task();
        h.RunLocal(t, "w-1", 10, attempt: 1, startS: 3.059, endS: 3.100, localStartS: 2.565, localEndS: 2.606, outcome: ExecutionOutcomes.Retry);
        h.RunLocal(t, "w-1", 10, attempt: 2, startS: 3.056, endS: 3.071, localStartS: 3.619, localEndS: 3.633, outcome: ExecutionOutcomes.Completed);

        var r = h.Check();

        Assert.True(r.Passed, string.Join("; ", r.Violations));
        Assert.Empty(r.Overlaps);
        Assert.Equal(new Dictionary<string, int> { ["retry"] = 1 }, r.DuplicateCauses);
    }

    [Fact]
    public void Check_RecoverySlowerThanBar_Fails()
    {
        var h = new History();
        var t = h.Task();
        h.Run(t, "w-1", 10, 0, null);
        h.Kills.Add(new WorkerKill("w-1", 10, T0.AddSeconds(2)));
        h.Run(t, "w-2", 20, 62, 63, attempt: 2);
        var r = h.Check(maxRecovery: TimeSpan.FromSeconds(40));
        Assert.False(r.Passed);
        Assert.Contains(r.Violations, v => v.Contains("recovered more than", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_KilledWorkersTaskNeverRerun_FailsStuckAndUnrecovered()
    {
        var h = new History();
        var t = h.Task(BuquetTaskStatus.Running);
        h.Run(t, "w-1", 10, 0, null);
        h.Kills.Add(new WorkerKill("w-1", 10, T0.AddSeconds(2)));
        var r = h.Check();
        Assert.False(r.Passed);
        Assert.Null(Assert.Single(r.Recoveries).Time);
        Assert.Contains(r.Violations, v => v.Contains("never restarted", StringComparison.Ordinal));
        Assert.Contains(r.Violations, v => v.Contains("still running", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_ReexecutedAfterCompleted_FailsUnexplainedDuplicate()
    {
        var h = new History();
        var t = h.Task();
        h.Run(t, "w-1", 10, 0, 1);
        h.Run(t, "w-2", 20, 40, 41, attempt: 2);
        var r = h.Check();
        Assert.False(r.Passed);
        Assert.Equal([t], r.UnexplainedDuplicates);
    }

    [Fact]
    public void Check_RetriedAfterRetryOutcome_PassesAsExplained()
    {
        var h = new History();
        var t = h.Task();
        h.Run(t, "w-1", 10, 0, 1, ExecutionOutcomes.Retry);
        h.Run(t, "w-1", 10, 3, 4, attempt: 2);
        var r = h.Check();
        Assert.True(r.Passed, string.Join("; ", r.Violations));
        Assert.Equal(1, r.ExtraExecutions);
        Assert.Equal(1, r.ExecutionsPerTask[2]);
        Assert.Equal(1, Assert.Single(r.DuplicateCauses, kv => kv.Key == ExecutionOutcomes.Retry).Value);
    }

    [Fact]
    public void Check_SameAttemptExecutedTwice_FailsFencing()
    {
        var h = new History();
        var t = h.Task();
        h.Run(t, "w-1", 10, 0, 1, ExecutionOutcomes.LeaseLost);
        h.Run(t, "w-2", 20, 2, 3);
        var r = h.Check();
        Assert.False(r.Passed);
        Assert.Equal(2, Assert.Single(r.SameAttemptDuplicates).Executions);
    }

    [Fact]
    public void Check_PlanListsTaskTwice_Throws()
    {
        var id = Guid.NewGuid();
        var e = Assert.Throws<ArgumentException>(() => HistoryChecker.Check([PlannedTask.MustComplete(id), PlannedTask.MustComplete(id)], new Dictionary<Guid, ObservedTask>(), ExecutionLogReader.Pair([]), new HistoryCheckOptions()));
        Assert.Contains(id.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_FailedRun_MarkdownAndJsonCarryTheFigures()
    {
        var h = new History();
        h.Run(h.Task(), "w-1", 10, 0, 1);
        h.Task(final: null);
        var r = h.Check() with { FaultsInjected = new Dictionary<string, long> { ["SlowDown"] = 7 } };
        var md = r.ToMarkdown("short scenario");
        Assert.Contains("**FAILED** (seed 1234)", md, StringComparison.Ordinal);
        Assert.Contains("| lost (must be 0) | 1 |", md, StringComparison.Ordinal);
        Assert.Contains("SlowDown 7", md, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(r.ToJson());
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(1, json.RootElement.GetProperty("lost").GetInt32());
        Assert.Equal(1234, json.RootElement.GetProperty("seed").GetInt32());
    }

    [Theory]
    [InlineData(0.5, 50)]
    [InlineData(0.99, 99)]
    [InlineData(1.0, 100)]
    public void Percentile_HundredValues_NearestRank(double p, int expectedMs)
    {
        var values = Enumerable.Range(1, 100).Select(i => TimeSpan.FromMilliseconds(i)).ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), HistoryChecker.Percentile(values, p));
    }
}
