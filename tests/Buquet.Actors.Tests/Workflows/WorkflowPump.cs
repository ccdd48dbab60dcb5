using Akka.TestKit;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Tests.Worker;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Workflows;
using ExecutorProtocol = Buquet.Actors.Worker.Executors.Executor;

namespace Buquet.Actors.Tests.Workflows;

/// <summary>Drives a harness worker on virtual time until a workflow reaches a status.</summary>
internal static class WorkflowPump
{
    /// <summary>Starts the harness worker with <paramref name="definitions"/> registered; a client of its bucket.</summary>
    public static WorkflowClient StartWorkflows(this WorkerHarness h, params WorkflowDefinition[] definitions)
    {
        h.StartWorker(WorkerHarness.Settings(), new TaskHandlerRegistry().AddWorkflows(h.Client, null, definitions));
        return new WorkflowClient(h.Client);
    }

    /// <summary>
    /// Waits on finished executions (advancing virtual time by 200 ms whenever none arrives) until the workflow is in
    /// one of <paramref name="statuses"/>; a real-time guard fails the test with the steps' states.
    /// </summary>
    public static async Task<WorkflowState> RunUntilAsync(this WorkerHarness h, WorkflowClient client, string id, params WorkflowStatus[] statuses)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var state = (await client.GetAsync(id))!;
            if (statuses.Contains(state.Status))
            {
                return state;
            }

            if (TimeProvider.System.GetElapsedTime(start) > WorkerHarness.Guard)
            {
                throw new TestKitException($"Workflow {id} is {state.Status}, expected {string.Join("/", statuses)}; steps {string.Join(", ", state.Steps.Select(s => $"{s.Key}={s.Value.Status}:{s.Value.Error}"))}");
            }

            if (await h.Finished.TryReceiveAsync<ExecutorProtocol.ExecutionFinished>(TimeSpan.FromMilliseconds(20)) is null)
            {
                h.Clock.Advance(TimeSpan.FromMilliseconds(200));
            }
        }
    }
}
