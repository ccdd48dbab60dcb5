using System.Runtime.ExceptionServices;

namespace Buquet.Actors.Kernel;

/// <summary>Ask, Forward and PipeTo.</summary>
public static class ActorRefExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary reply-to sender and awaits the first reply.
    /// A <see cref="Status.Failure"/> reply faults the task with its cause; no reply within <paramref name="timeout"/>
    /// (measured on the system's <see cref="TimeProvider"/>) faults it with <see cref="AskTimeoutException"/>.
    /// </summary>
    /// <typeparam name="T">The expected reply type (a <see cref="Status.Success"/> value is unwrapped).</typeparam>
    /// <param name="target">The actor to ask.</param>
    /// <param name="message">The question.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The reply.</returns>
    public static async Task<T> Ask<T>(this IActorRef target, object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "Ask timeout must be positive.");
        }

        var promise = new PromiseRef(target.Path);
        target.Tell(message, promise);
        var clock = (target as ActorCell)?.SystemImpl.TimeProvider ?? TimeProvider.System;
        object reply;
        try
        {
            reply = await promise.Task.WaitAsync(timeout, clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new AskTimeoutException($"Ask of {message.GetType().Name} to {target.Path} got no reply within {timeout}.");
        }

        switch (reply)
        {
            case T typed:
                return typed;
            case Status.Failure failure:
                ExceptionDispatchInfo.Throw(failure.Cause);
                throw failure.Cause;
            case Status.Success { Value: T value }:
                return value;
            default:
                throw new InvalidCastException($"Ask to {target.Path} expected a {typeof(T).Name} reply but got {reply.GetType().Name}.");
        }
    }

    /// <summary>
    /// Tells <paramref name="message"/> keeping the original sender of the message being handled. Call it from a
    /// handler before its first <c>await</c>; after an await use <c>target.Tell(message, Sender)</c>.
    /// </summary>
    /// <param name="target">The recipient.</param>
    /// <param name="message">The message.</param>
    public static void Forward(this IActorRef target, object message)
    {
        ArgumentNullException.ThrowIfNull(target);
        var current = ActorCell.Current
            ?? throw new InvalidOperationException("Forward must be called from an actor's handler (before its first await).");
        target.Tell(message, current.CurrentSender);
    }

    /// <summary>
    /// Sends the task's result to <paramref name="recipient"/> when it completes, or a <see cref="Status.Failure"/>
    /// when it fails. The continuation never touches actor state.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">The task.</param>
    /// <param name="recipient">Who receives the outcome.</param>
    /// <param name="sender">The sender the recipient sees.</param>
    /// <param name="success">Maps the result to a message; null sends the result itself.</param>
    /// <param name="failure">Maps the exception to a message; null sends <see cref="Status.Failure"/>.</param>
    /// <returns>A task completing once the message is sent.</returns>
    public static async Task PipeTo<T>(this Task<T> task, IActorRef recipient, IActorRef? sender = null, Func<T, object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        object message;
        try
        {
            var result = await task.ConfigureAwait(false);
            message = success is not null ? success(result) : (object?)result ?? new Status.Success(null);
        }
        catch (Exception ex)
        {
            message = failure?.Invoke(ex) ?? new Status.Failure(ex);
        }

        recipient.Tell(message, sender);
    }

    /// <summary>Sends <see cref="Status.Success"/> (or the mapped message) on completion, <see cref="Status.Failure"/> on failure.</summary>
    /// <param name="task">The task.</param>
    /// <param name="recipient">Who receives the outcome.</param>
    /// <param name="sender">The sender the recipient sees.</param>
    /// <param name="success">Builds the success message; null sends <c>Status.Success(null)</c>.</param>
    /// <param name="failure">Maps the exception; null sends <see cref="Status.Failure"/>.</param>
    /// <returns>A task completing once the message is sent.</returns>
    public static async Task PipeTo(this Task task, IActorRef recipient, IActorRef? sender = null, Func<object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        object message;
        try
        {
            await task.ConfigureAwait(false);
            message = success?.Invoke() ?? new Status.Success(null);
        }
        catch (Exception ex)
        {
            message = failure?.Invoke(ex) ?? new Status.Failure(ex);
        }

        recipient.Tell(message, sender);
    }

    /// <summary>The temporary reply-to of an Ask: completes on the first message.</summary>
    private sealed class PromiseRef(ActorPath target) : IActorRef
    {
        private readonly TaskCompletionSource<object> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ActorPath Path { get; } = new(target.SystemName, target, "$ask");

        public Task<object> Task => _reply.Task;

        public void Tell(object message, IActorRef? sender = null)
        {
            ArgumentNullException.ThrowIfNull(message);
            _reply.TrySetResult(message);
        }
    }
}
