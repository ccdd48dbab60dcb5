using System.Text.Json;
using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Worker.Handlers;

/// <summary>
/// The actor style of handler: derive from <see cref="TaskHandlerActor{TMessage, TResult}"/>. A fresh child actor of
/// the task's executor runs each execution and is stopped afterwards.
/// </summary>
public abstract class TaskHandlerActor : ReceiveActor
{
    private protected TaskHandlerActor()
    {
    }

    internal sealed record Execute(string TaskType, JsonElement? Input, TaskContext Context, JsonSerializerOptions Json);

    internal sealed record Reply(JsonElement? Output, Exception? Error);
}

/// <summary>
/// A handler actor receiving the task's input as a <typeparamref name="TMessage"/>; its result becomes the task's
/// <c>output</c>. Throw <see cref="RetryableTaskException"/>, <see cref="PermanentTaskException"/> or
/// <see cref="RescheduleTaskException"/> to choose the outcome; any other exception retries by policy.
/// </summary>
/// <typeparam name="TMessage">The input type (deserialized from the task's input JSON).</typeparam>
/// <typeparam name="TResult">The output type (serialized into the task's output JSON).</typeparam>
public abstract class TaskHandlerActor<TMessage, TResult> : TaskHandlerActor
{
    /// <summary>Registers the execution handler; subclasses may register further message handlers.</summary>
    protected TaskHandlerActor() => ReceiveAsync<Execute>(RunAsync);

    /// <summary>Handles one execution.</summary>
    /// <param name="message">The task's input.</param>
    /// <param name="context">The execution context (deadline, cancellation, lease extension, logger).</param>
    /// <returns>The result stored in <c>output</c>.</returns>
    protected abstract Task<TResult> HandleAsync(TMessage message, TaskContext context);

    private async Task RunAsync(Execute execute)
    {
        var replyTo = Sender;
        Reply reply;
        try
        {
            var message = HandlerInput.Read<TMessage>(execute.TaskType, execute.Input, execute.Json);
            var result = await HandleAsync(message, execute.Context).ConfigureAwait(false);
            reply = new Reply(HandlerInput.Write(result, execute.Json), null);
        }
        catch (Exception ex)
        {
            reply = new Reply(null, ex);
        }

        replyTo.Tell(reply, Self);
    }
}
