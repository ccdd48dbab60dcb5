using System.Text.Json;
using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Workflows;

/// <summary>
/// Protocol of the orchestrator actor: the handler of <c>workflow.orchestrate</c> tasks, a fresh child of the task's
/// executor per execution. It receives the execution as <c>HandleTask&lt;JsonElement&gt;</c> and answers with a
/// <c>TaskReply</c>; one worker's orchestrator serves every registered workflow type (it dispatches on the state's
/// <c>type</c>).
/// </summary>
internal static class WorkflowOrchestrator
{
    /// <summary>Props of one execution's orchestrator.</summary>
    /// <param name="orchestration">The orchestration pass.</param>
    /// <returns>The props.</returns>
    public static Props Props(WorkflowOrchestration orchestration) => ActorProps.FromFactory(() => new WorkflowOrchestratorActor(orchestration));

    /// <summary>The pass ended (its result or its failure), with whom to answer.</summary>
    /// <param name="ReplyTo">The executor's ask.</param>
    /// <param name="Status">The workflow status after the pass.</param>
    /// <param name="Error">The failure, if any.</param>
    internal sealed record PassFinished(IActorRef ReplyTo, string? Status, Exception? Error);

    /// <summary>The output of an orchestrator task: <c>{"workflow_id": id, "status": s}</c>.</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="status">Its status after the pass.</param>
    /// <returns>The output.</returns>
    internal static JsonElement Output(string workflowId, string status) =>
        WorkflowEngine.Parse(new Protocol.Json.JsonOut().BeginObject().Name("workflow_id").String(workflowId).Name("status").String(status).EndObject().ToString());
}
