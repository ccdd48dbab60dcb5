using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Workflows;

/// <summary>
/// One run of <c>workflow.orchestrate</c> (buquet §5.3, without its pitfalls): read the state, reconcile running
/// steps with their tasks, apply the failure policies, start ready steps (idempotent submits), consume signals, drive
/// compensation, then CAS the state. A conflict re-reads and runs the pass again (INTERNAL API).
/// </summary>
internal sealed class WorkflowOrchestration(WorkflowEngine engine)
{
    /// <summary>How long an orchestrator task of a workflow type this worker does not know waits before it runs again.</summary>
    public static readonly TimeSpan UnknownTypeDelay = TimeSpan.FromSeconds(30);

    /// <summary>One pass. <paramref name="reportedStep"/>: the step whose handler recorded its outcome and asked for this
    /// pass; only that step's task is read (null: every running step's task, for passes nobody reported to).</summary>
    public async Task<string> RunAsync(string workflowId, string? reportedStep, CancellationToken cancellationToken)
    {
        var pass = new Pass(reportedStep, []);
        for (var i = 0; i < WorkflowStore.MaxConflicts; i++)
        {
            if (await engine.Store.GetAsync(workflowId, cancellationToken).ConfigureAwait(false) is not var (state, etag))
            {
                return "missing";
            }

            if (state.Status is WorkflowStatus.Paused or WorkflowStatus.Cancelled or WorkflowStatus.Completed or WorkflowStatus.Failed)
            {
                return WorkflowJson.ToWire(state.Status);
            }

            if (!engine.Definitions.TryGetValue(state.Type, out var def))
            {
                // Another worker of a mixed fleet may know it: try again later without using a retry.
                throw new RescheduleTaskException(UnknownTypeDelay);
            }

            if (reportedStep is not null && state.Steps.GetValueOrDefault(reportedStep) is { StartedAt: null, Status: not StepStatus.Pending })
            {
                // The step ran before the pass that started it recorded the start (its CAS is still to come, and will
                // conflict and see this outcome): that pass owns the next move, a second one would only duplicate it.
                return WorkflowJson.ToWire(state.Status);
            }

            var (now, text) = await engine.Store.NowAsync(cancellationToken).ConfigureAwait(false);
            var next = state.DefinitionHash != def.DefinitionHash
                ? state with
                {
                    Status = WorkflowStatus.Paused,
                    Error = new WorkflowErrorInfo("VersionMismatch", $"Workflow definition changed. Expected {def.DefinitionHash}, got {state.DefinitionHash}"),
                }
                : await AdvanceAsync(def, state, now, text, pass, cancellationToken).ConfigureAwait(false);
            if (WorkflowJson.Serialize(next).AsSpan().SequenceEqual(WorkflowJson.Serialize(state)))
            {
                return WorkflowJson.ToWire(state.Status);
            }

            next = next with { UpdatedAt = text };
            if (await engine.Store.TryReplaceAsync(next, etag, cancellationToken).ConfigureAwait(false))
            {
                return WorkflowJson.ToWire(next.Status);
            }
        }

        throw new RetryableTaskException($"Workflow {workflowId}: the state kept changing during orchestration.");
    }

    private async Task<WorkflowState> AdvanceAsync(WorkflowDefinition def, WorkflowState state, DateTimeOffset now, string text, Pass pass, CancellationToken ct)
    {
        state = await ReconcileAsync(state, text, pass.ReportedStep, ct).ConfigureAwait(false);
        if (state.Steps.FirstOrDefault(p => p.Value.Status == StepStatus.Cancelled && p.Value.Error is not null) is { Key: not null } cancelled)
        {
            return state with { Status = WorkflowStatus.Cancelled, CurrentSteps = [], Error = new WorkflowErrorInfo("Cancelled", $"Step '{cancelled.Key}' was cancelled: {cancelled.Value.Error}", cancelled.Key) };
        }

        // Each round may settle steps (skips, maps, signals) that make others ready; at most one round per step.
        for (var round = 0; round <= def.Steps.Count + 1; round++)
        {
            var before = state;
            state = WorkflowPlanner.AggregateMaps(def, state, text);
            state = WorkflowPlanner.PropagateSkips(def, state, text);
            if (state.Status == WorkflowStatus.Compensating)
            {
                return await CompensateAsync(def, state, ct).ConfigureAwait(false);
            }

            if (WorkflowPlanner.Terminal(def, state, text) is { } terminal)
            {
                return terminal.Status == WorkflowStatus.Compensating ? await CompensateAsync(def, terminal, ct).ConfigureAwait(false) : terminal;
            }

            foreach (var step in WorkflowPlanner.Ready(def, state).ToList())
            {
                state = await StartAsync(state, step, text, pass, ct).ConfigureAwait(false);
            }

            state = await AwaitSignalsAsync(def, state, now, text, ct).ConfigureAwait(false);
            if (ReferenceEquals(before, state))
            {
                break;
            }
        }

        return WorkflowPlanner.Settle(def, state);
    }

    /// <summary>Most step tasks read at once by one reconcile (a fan-out keeps many steps running).</summary>
    private const int ReconcileReads = 16;

    /// <summary>
    /// Running steps (and compensations) whose task finished: record the outcome (a completed step stays completed).
    /// A pass a .NET step handler asked for (<paramref name="reportedStep"/>) finds that step's outcome already in the
    /// state and reads at most that step's task, so a fan-out of n costs O(n) task reads, not O(n²). Other passes
    /// (start, resume, signal, wake-up, sweeper, or a buquet Python step handler's, which names no step) read every
    /// running step's task: that is where an ending no handler recorded (a worker killed on the last attempt, a task
    /// cancelled by hand, a step failing on a buquet peer) is found. The tasks are read concurrently, the outcomes
    /// applied in step order.
    /// </summary>
    private async Task<WorkflowState> ReconcileAsync(WorkflowState state, string now, string? reportedStep, CancellationToken ct)
    {
        var watched = new List<(string Key, StepState Step, bool Compensating, Guid TaskId)>();
        foreach (var (key, s) in state.Steps)
        {
            var compensating = s.Status == StepStatus.Completed && s.Error == StepState.Compensating;
            if ((s.Status == StepStatus.Running || compensating) && (reportedStep is null || key == reportedStep) && Guid.TryParse(s.TaskId, out var taskId))
            {
                watched.Add((key, s, compensating, taskId));
            }
        }

        var tasks = new Client.TaskWithPayloads?[watched.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, watched.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ReconcileReads, CancellationToken = ct },
            async (i, c) => tasks[i] = await engine.Client.GetWithPayloadsAsync(watched[i].TaskId, c).ConfigureAwait(false)).ConfigureAwait(false);

        for (var i = 0; i < watched.Count; i++)
        {
            if (tasks[i] is not { } t || !t.Task.IsTerminal)
            {
                continue;
            }

            var (key, s, compensating, _) = watched[i];
            var task = t.Task;
            StepState next = (compensating, task.Status) switch
            {
                (true, BuquetTaskStatus.Completed) => s with { Error = StepState.Compensated, TaskId = null },
                (true, _) => s with { Error = $"compensation {TaskStatusNames.ToWire(task.Status)}: {task.LastError}", TaskId = null },
                (false, BuquetTaskStatus.Completed) => s with { Status = StepStatus.Completed, CompletedAt = now, Result = WorkflowPlanner.ResultOf(t.Output), Error = null, TaskId = null },
                (false, BuquetTaskStatus.Cancelled) => s with { Status = StepStatus.Cancelled, Error = task.LastError ?? "Task cancelled", TaskId = null },
                _ => s with { Status = StepStatus.Failed, Error = task.LastError ?? "Task failed", TaskId = null },
            };
            if (next.Status == StepStatus.Completed && !compensating)
            {
                await engine.Store.PutStepResultAsync(state.Id, key, next.Result, ct).ConfigureAwait(false);
            }

            state = state.WithStep(key, next);
        }

        return state;
    }

    private async Task<WorkflowState> StartAsync(WorkflowState state, WorkflowStepDefinition step, string now, Pass pass, CancellationToken ct)
    {
        var s = state.Step(step.Name);
        var attempt = s.Attempt + 1;
        var running = s with { Status = StepStatus.Running, StartedAt = now, CompletedAt = null, Attempt = attempt, Error = null, TaskId = null };
        switch (step.Kind)
        {
            case StepKind.Task:
                var id = await SubmitOnceAsync(pass, step.Name, attempt, () => engine.SubmitStepAsync(state, step, step.Name, attempt, null, null, ct)).ConfigureAwait(false);
                return state.WithStep(step.Name, running with { TaskId = id.ToString("D") });
            case StepKind.Map:
                var source = state.Step(step.Source!).Result;
                if (source is not { ValueKind: System.Text.Json.JsonValueKind.Array } list)
                {
                    return state.WithStep(step.Name, running with { Status = StepStatus.Failed, Error = $"step '{step.Source}' did not return a list to map over" });
                }

                state = state.WithStep(step.Name, running);
                var next = 0;
                foreach (var item in list.EnumerateArray())
                {
                    var index = next++;
                    var key = WorkflowPlanner.ItemKey(step.Name, index);
                    if (state.Step(key).Status == StepStatus.Completed)
                    {
                        // Its task ran and recorded itself before this pass's state landed (a CAS conflict, then this
                        // pass again): keep the result, do not turn it back into running.
                        continue;
                    }

                    var itemAttempt = state.Step(key).Attempt + 1;
                    var itemId = await SubmitOnceAsync(pass, key, itemAttempt, () => engine.SubmitStepAsync(state, step, key, itemAttempt, item, index, ct)).ConfigureAwait(false);
                    state = state.WithStep(key, new StepState { Status = StepStatus.Running, StartedAt = now, Attempt = itemAttempt, TaskId = itemId.ToString("D") });
                }

                return state;
            default:
                return state.WithStep(step.Name, running);
        }
    }

    /// <summary>
    /// Submits a step task once per pass: after a CAS conflict the pass runs again on the new state and would submit
    /// the same tasks again (idempotent, but each costs reads; a map step has many).
    /// </summary>
    private static async Task<Guid> SubmitOnceAsync(Pass pass, string key, long attempt, Func<Task<Guid>> submit)
    {
        if (!pass.Submitted.TryGetValue((key, attempt), out var id))
        {
            id = await submit().ConfigureAwait(false);
            pass.Submitted[(key, attempt)] = id;
        }

        return id;
    }

    /// <summary>Signal steps that wait: consume the next signal, or fail past the timeout, or schedule a wake-up at it.</summary>
    private async Task<WorkflowState> AwaitSignalsAsync(WorkflowDefinition def, WorkflowState state, DateTimeOffset now, string text, CancellationToken ct)
    {
        foreach (var step in def.Steps.Where(s => s.Kind == StepKind.Signal && state.Step(s.Name).Status == StepStatus.Running))
        {
            var s = state.Step(step.Name);
            var signal = step.Source!;
            var cursor = state.Signals.GetValueOrDefault(signal);
            if (await engine.Store.NextSignalAsync(state.Id, signal, cursor, ct).ConfigureAwait(false) is var (suffix, payload))
            {
                await engine.Store.PutStepResultAsync(state.Id, step.Name, payload, ct).ConfigureAwait(false);
                state = state.WithStep(step.Name, s with { Status = StepStatus.Completed, CompletedAt = text, Result = payload }) with { Signals = state.Signals.SetItem(signal, suffix) };
                continue;
            }

            var started = Protocol.Json.Rfc3339.TryParse(s.StartedAt, out var at) ? at : now;
            var deadline = started + step.Options.Timeout;
            if (now >= deadline)
            {
                state = state.WithStep(step.Name, s with { Status = StepStatus.Failed, Error = $"no signal '{signal}' within {step.Options.Timeout}" });
                continue;
            }

            // A wake-up at the deadline: a pending task, no worker slot held while waiting.
            await engine.SubmitOrchestrateAsync(state.Id, state.Type, $"{state.Id}:orchestrate:wake:{step.Name}:{s.Attempt}", deadline, ct).ConfigureAwait(false);
        }

        return state;
    }

    /// <summary>Runs the next compensation (reverse dependency order, one at a time, each once); none left → failed.</summary>
    private async Task<WorkflowState> CompensateAsync(WorkflowDefinition def, WorkflowState state, CancellationToken ct)
    {
        var (next, busy) = WorkflowPlanner.NextCompensation(def, state);
        if (busy)
        {
            return state;
        }

        if (next is null)
        {
            return state with { Status = WorkflowStatus.Failed, CurrentSteps = [] };
        }

        var id = await engine.SubmitCompensationAsync(state, next, ct).ConfigureAwait(false);
        return state.WithStep(next.Name, state.Step(next.Name) with { Error = StepState.Compensating, TaskId = id.ToString("D") }) with { CurrentSteps = [next.Name] };
    }
}

/// <summary>One orchestration pass's scope: the step a handler reported, and the step tasks submitted so far.</summary>
internal sealed record Pass(string? ReportedStep, Dictionary<(string Key, long Attempt), Guid> Submitted);
