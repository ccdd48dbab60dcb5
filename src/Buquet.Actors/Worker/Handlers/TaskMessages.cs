namespace Buquet.Actors.Worker.Handlers;

/// <summary>
/// One execution, sent to a handler actor registered with
/// <see cref="TaskHandlerRegistry.AddActor{TMessage}(string, Akka.Actor.IActorRef)"/> or
/// <see cref="TaskHandlerRegistry.AddActor{TMessage}(string, Akka.Actor.Props)"/>. Reply to the sender with exactly one
/// <see cref="TaskReply"/>; a reply after the execution ended (timeout + grace, lease lost) is discarded.
/// </summary>
/// <typeparam name="TMessage">The task's input type.</typeparam>
/// <param name="TaskId">The task.</param>
/// <param name="TaskType">Its type.</param>
/// <param name="Attempt">The attempt number (1 for the first run).</param>
/// <param name="Message">The task's input, deserialized.</param>
/// <param name="Context">Deadline, cancellation token, lease extension, progress and logger of this execution.</param>
public sealed record HandleTask<TMessage>(Guid TaskId, string TaskType, long Attempt, TMessage Message, TaskContext Context);

/// <summary>
/// Sent to the handler actor when the execution is cancelled: the task's timeout passed, a cancel was requested, the
/// worker is shutting down or the lease was lost (any result would then be discarded). Stop the work and reply.
/// </summary>
/// <param name="TaskId">The task.</param>
/// <param name="Reason">Why.</param>
public sealed record TaskCancelled(Guid TaskId, TaskCancellationReason Reason);

/// <summary>A handler actor's answer to <see cref="HandleTask{TMessage}"/>.</summary>
public abstract record TaskReply
{
    private protected TaskReply()
    {
    }

    /// <summary>The task completed; <paramref name="Output"/> is stored in the task's <c>output</c> (null for none).</summary>
    /// <param name="Output">The result, serialized with the worker's JSON options (by its runtime type).</param>
    public sealed record Completed(object? Output) : TaskReply;

    /// <summary>A failure worth retrying (the task's retry policy decides when, or fails it when retries are used up).</summary>
    /// <param name="Error">Stored in <c>last_error</c>.</param>
    public sealed record Retry(string Error) : TaskReply;

    /// <summary>A failure no retry can fix: the task becomes <c>failed</c> at once.</summary>
    /// <param name="Error">Stored in <c>last_error</c>.</param>
    public sealed record Fail(string Error) : TaskReply;

    /// <summary>Try again after <paramref name="Delay"/> without using a retry (rate limits, durable sleep).</summary>
    /// <param name="Delay">How long to wait.</param>
    public sealed record Reschedule(TimeSpan Delay) : TaskReply;
}
