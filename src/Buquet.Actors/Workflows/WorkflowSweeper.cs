using Buquet.Actors.Protocol;

namespace Buquet.Actors.Workflows;

/// <summary>What one sweep saw and did.</summary>
/// <param name="Workflows">Workflow states read.</param>
/// <param name="Active">Active ones (running, waiting_signal, compensating).</param>
/// <param name="Redriven">Stuck ones given a new orchestrator task.</param>
internal sealed record WorkflowSweepReport(int Workflows, int Active, int Redriven);

/// <summary>
/// Finds active workflows whose orchestration is stuck (buquet's <c>WorkflowSweeper</c>: orchestrator task id missing,
/// task missing, terminal, or its lease expired) and, unlike buquet, re-drives them: an orchestrator task with
/// buquet's recovery key <c>{wf}:orchestrate:{updated_at}</c> (so at most one per state version, whatever the number
/// of sweeping workers), recorded as <c>orchestrator_task_id</c> (INTERNAL API).
/// </summary>
internal sealed class WorkflowSweeper(WorkflowEngine engine, TimeSpan quietFor)
{
    public async Task<WorkflowSweepReport> SweepAsync(CancellationToken cancellationToken)
    {
        var ids = await new WorkflowClient(engine.Client).ListAsync(cancellationToken).ConfigureAwait(false);
        int active = 0, redriven = 0;
        foreach (var id in ids)
        {
            if (await engine.Store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not var (state, etag)
                || state.Status is not (WorkflowStatus.Running or WorkflowStatus.WaitingSignal or WorkflowStatus.Compensating))
            {
                continue;
            }

            active++;
            if (await IsStuckAsync(state, cancellationToken).ConfigureAwait(false))
            {
                await RedriveAsync(state, etag, cancellationToken).ConfigureAwait(false);
                redriven++;
            }
        }

        return new WorkflowSweepReport(ids.Count, active, redriven);
    }

    private async Task<bool> IsStuckAsync(WorkflowState state, CancellationToken ct)
    {
        var now = await engine.Store.Clock.NowAsync(ct).ConfigureAwait(false);
        if (Protocol.Json.Rfc3339.TryParse(state.UpdatedAt, out var updated) && now - updated < quietFor)
        {
            return false; // changed recently: orchestration is moving
        }

        if (!Guid.TryParse(state.OrchestratorTaskId, out var taskId))
        {
            return true;
        }

        var task = await engine.Client.GetAsync(taskId, ct).ConfigureAwait(false);
        return task is null || task.IsTerminal || (task.Status == BuquetTaskStatus.Running && task.IsLeaseExpiredAt(now));
    }

    private async Task RedriveAsync(WorkflowState state, string etag, CancellationToken ct)
    {
        var task = await engine.SubmitOrchestrateAsync(state.Id, state.Type, $"{state.Id}:orchestrate:{state.UpdatedAt}", null, ct).ConfigureAwait(false);
        var id = task.Id.ToString("D");
        if (state.OrchestratorTaskId != id)
        {
            // updated_at stays: it tracks progress, and the key above stays one per state version.
            _ = await engine.Store.TryReplaceAsync(state with { OrchestratorTaskId = id }, etag, ct).ConfigureAwait(false);
        }
    }
}
