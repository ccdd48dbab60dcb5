using System.Text.Json;
using Akka.Actor;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Workflows;

/// <summary>
/// Runs one orchestration pass for one <c>workflow.orchestrate</c> execution (behaviours: <c>idle</c> →
/// <c>running</c>). The pass's result comes back as a message; cancellation of the execution cancels the pass.
/// </summary>
internal sealed class WorkflowOrchestratorActor : ReceiveActor
{
    // Immutable after construction.
    private readonly WorkflowOrchestration _orchestration;

    // Actor-confined.
    private CancellationTokenSource? _cancel;
    private string _workflowId = "";

    public WorkflowOrchestratorActor(WorkflowOrchestration orchestration)
    {
        _orchestration = orchestration;
        Idle();
    }

    protected override void PostStop()
    {
        _cancel?.Cancel();
        _cancel?.Dispose();
        base.PostStop();
    }

    private void Idle() => Receive<HandleTask<JsonElement>>(Start);

    private void Running()
    {
        Receive<TaskCancelled>(_ => _cancel?.Cancel());
        Receive<WorkflowOrchestrator.PassFinished>(finished =>
        {
            finished.ReplyTo.Tell(finished.Error switch
            {
                null => new TaskReply.Completed(WorkflowOrchestrator.Output(_workflowId, finished.Status!)),
                PermanentTaskException p => new TaskReply.Fail(p.Message),
                RescheduleTaskException r => new TaskReply.Reschedule(r.Delay),
                var e => new TaskReply.Retry($"Orchestration of workflow {_workflowId} failed: {e.Message}"),
            });
            Context.Stop(Self);
        });
    }

    private void Start(HandleTask<JsonElement> task)
    {
        var replyTo = Sender;
        if (task.Message.ValueKind != JsonValueKind.Object || !task.Message.TryGetProperty("workflow_id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            replyTo.Tell(new TaskReply.Fail("workflow.orchestrate needs {\"workflow_id\": \"...\"} as input."));
            return;
        }

        _workflowId = id.GetString()!;
        var reported = task.Message.TryGetProperty(WorkflowEngine.ReportedStepField, out var step) && step.ValueKind == JsonValueKind.String ? step.GetString() : null;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(task.Context.CancellationToken);
        _orchestration.RunAsync(_workflowId, reported, _cancel.Token).PipeTo(
            Self,
            success: status => new WorkflowOrchestrator.PassFinished(replyTo, status, null),
            failure: error => new WorkflowOrchestrator.PassFinished(replyTo, null, error is AggregateException { InnerException: { } inner } ? inner : error));
        Become(Running);
    }
}
