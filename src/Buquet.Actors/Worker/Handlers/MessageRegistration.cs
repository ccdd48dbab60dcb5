using System.Text.Json;
using Akka.Actor;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Worker.Handlers;

/// <summary>
/// A handler that is an actor speaking messages: each execution is a <see cref="HandleTask{TMessage}"/> asked of the
/// user's actor (an existing one, or a fresh child of the executor per execution from Props); cancellation reaches it
/// as <see cref="TaskCancelled"/>; its <see cref="TaskReply"/> decides the outcome. An actor that never replies is
/// ended by the executor's timeout + grace like any other handler.
/// </summary>
internal sealed class MessageRegistration<TMessage>(string taskType, IActorRef? target, Props? props) : TaskHandlerRegistration(taskType)
{
    public override Task<JsonElement?> Start(Func<Props, IActorRef> spawn, JsonElement? input, TaskContext context, JsonSerializerOptions json)
    {
        var message = HandlerInput.Read<TMessage>(TaskType, input, json);
        var handler = target ?? spawn(props!);
        return RunAsync(handler, new HandleTask<TMessage>(context.TaskId, TaskType, context.Attempt, message, context), json);
    }

    private static async Task<JsonElement?> RunAsync(IActorRef handler, HandleTask<TMessage> request, JsonSerializerOptions json)
    {
        var context = request.Context;
        await using var cancelled = context.CancellationToken.Register(
            () => handler.Tell(new TaskCancelled(request.TaskId, context.CancellationReason), ActorRefs.NoSender));
        var reply = await handler.Ask<TaskReply>(request, Timeout.InfiniteTimeSpan).ConfigureAwait(false);
        return reply switch
        {
            TaskReply.Completed { Output: null } => null,
            TaskReply.Completed { Output: JsonElement element } => HandlerInput.Write(element, json),
            TaskReply.Completed { Output: { } output } => JsonSerializer.SerializeToElement(output, HandlerJson.TypeInfo(json, output.GetType())),
            TaskReply.Retry retry => throw new RetryableTaskException(retry.Error),
            TaskReply.Fail fail => throw new PermanentTaskException(fail.Error),
            TaskReply.Reschedule later => throw new RescheduleTaskException(later.Delay),
            _ => throw new InvalidOperationException($"Unknown reply {reply.GetType().Name} from the handler of {request.TaskType}."),
        };
    }
}
