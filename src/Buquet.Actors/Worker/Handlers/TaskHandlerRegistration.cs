using System.Text.Json;
using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Worker.Handlers;

/// <summary>One registered handler. Start runs synchronously up to its first await (the actor style spawns there).</summary>
internal abstract class TaskHandlerRegistration(string taskType)
{
    public string TaskType { get; } = taskType;

    /// <summary>Starts one execution; the task yields the serialized output or faults with the handler's exception.</summary>
    // spawn creates a child of the executor: call it only synchronously, before the first await.
    public abstract Task<JsonElement?> Start(Func<Props, IActorRef> spawn, JsonElement? input, TaskContext context, JsonSerializerOptions json);
}

internal sealed class DelegateRegistration<T, TResult>(string taskType, Func<T, TaskContext, Task<TResult>> handler)
    : TaskHandlerRegistration(taskType)
{
    public override Task<JsonElement?> Start(Func<Props, IActorRef> spawn, JsonElement? input, TaskContext context, JsonSerializerOptions json) =>
        Task.Run(async () =>
        {
            var message = HandlerInput.Read<T>(TaskType, input, json);
            var result = await handler(message, context).ConfigureAwait(false);
            return HandlerInput.Write(result, json);
        });
}

internal sealed class ActorRegistration(string taskType, Props props) : TaskHandlerRegistration(taskType)
{
    public override Task<JsonElement?> Start(Func<Props, IActorRef> spawn, JsonElement? input, TaskContext context, JsonSerializerOptions json)
    {
        var child = spawn(props);
        return AskAsync(child, new TaskHandlerActor.Execute(TaskType, input, context, json));
    }

    private static async Task<JsonElement?> AskAsync(IActorRef child, TaskHandlerActor.Execute execute)
    {
        var reply = await child.Ask<TaskHandlerActor.Reply>(execute, Timeout.InfiniteTimeSpan).ConfigureAwait(false);
        if (reply.Error is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return reply.Output;
    }
}
