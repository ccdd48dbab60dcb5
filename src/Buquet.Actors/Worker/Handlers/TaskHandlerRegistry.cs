using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.Worker.Handlers;

/// <summary>
/// The handlers of one worker, one per task type. A worker only claims task types registered here; tasks of other
/// types are left for other workers. Registering a type twice throws.
/// </summary>
public sealed class TaskHandlerRegistry
{
    private readonly Dictionary<string, TaskHandlerRegistration> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<TaskRecord, bool>> _claimFilters = new(StringComparer.Ordinal);

    /// <summary>The registered task types.</summary>
    public IReadOnlyCollection<string> TaskTypes => _handlers.Keys;

    /// <summary>Registers a delegate handler whose result is stored in <c>output</c>.</summary>
    /// <typeparam name="TMessage">The input type.</typeparam>
    /// <typeparam name="TResult">The output type.</typeparam>
    /// <param name="taskType">The task type (validated like task keys).</param>
    /// <param name="handler">The handler.</param>
    /// <returns>This registry.</returns>
    public TaskHandlerRegistry Add<TMessage, TResult>(string taskType, Func<TMessage, TaskContext, Task<TResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new DelegateRegistration<TMessage, TResult>(Validate(taskType), handler));
    }

    /// <summary>Registers a delegate handler without a result (<c>output</c> stays null).</summary>
    /// <typeparam name="TMessage">The input type.</typeparam>
    /// <param name="taskType">The task type.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>This registry.</returns>
    public TaskHandlerRegistry Add<TMessage>(string taskType, Func<TMessage, TaskContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add<TMessage, object?>(taskType, async (m, c) =>
        {
            await handler(m, c).ConfigureAwait(false);
            return null;
        });
    }

    /// <summary>Registers a handler actor class; a new instance runs each execution as a child of the executor.</summary>
    /// <typeparam name="THandler">The handler actor type.</typeparam>
    /// <param name="taskType">The task type.</param>
    /// <param name="factory">Builds an instance (called once per execution).</param>
    /// <returns>This registry.</returns>
    public TaskHandlerRegistry AddActor<THandler>(string taskType, Func<THandler> factory)
        where THandler : TaskHandlerActor
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Add(new ActorRegistration(Validate(taskType), ActorProps.FromFactory(factory)));
    }

    /// <summary>
    /// Registers an existing actor as the handler: every execution is a <see cref="HandleTask{TMessage}"/> it must
    /// answer with a <see cref="TaskReply"/>; cancellation (timeout, cancel request, shutdown, lease loss) arrives as
    /// <see cref="TaskCancelled"/>. The actor may serve many executions at once (up to the worker's concurrency).
    /// </summary>
    /// <typeparam name="TMessage">The input type.</typeparam>
    /// <param name="taskType">The task type.</param>
    /// <param name="handler">The actor.</param>
    /// <returns>This registry.</returns>
    public TaskHandlerRegistry AddActor<TMessage>(string taskType, IActorRef handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new MessageRegistration<TMessage>(Validate(taskType), handler, null));
    }

    /// <summary>
    /// Registers an actor speaking <see cref="HandleTask{TMessage}"/> / <see cref="TaskReply"/> built from
    /// <paramref name="props"/>: a fresh child of the task's executor per execution, stopped when it ends.
    /// </summary>
    /// <typeparam name="TMessage">The input type.</typeparam>
    /// <param name="taskType">The task type.</param>
    /// <param name="props">The actor's props.</param>
    /// <returns>This registry.</returns>
    public TaskHandlerRegistry AddActor<TMessage>(string taskType, Props props)
    {
        ArgumentNullException.ThrowIfNull(props);
        return Add(new MessageRegistration<TMessage>(Validate(taskType), null, props));
    }

    /// <summary>Registers a handler actor class with a parameterless constructor.</summary>
    /// <typeparam name="THandler">The handler actor type.</typeparam>
    /// <param name="taskType">The task type.</param>
    /// <returns>This registry.</returns>
    public TaskHandlerRegistry AddActor<THandler>(string taskType)
        where THandler : TaskHandlerActor, new() => AddActor(taskType, static () => new THandler());

    /// <summary>True when a handler is registered for <paramref name="taskType"/>.</summary>
    /// <param name="taskType">The task type.</param>
    /// <returns>Whether the worker handles it.</returns>
    public bool Handles(string taskType) => _handlers.ContainsKey(taskType);

    /// <summary>
    /// Narrows which tasks of a handled type this worker claims: a task the filter declines is skipped at claim time
    /// like a task of an unhandled type (left pending for another worker, no retry used).
    /// </summary>
    internal TaskHandlerRegistry ClaimOnly(string taskType, Func<TaskRecord, bool> accepts)
    {
        _claimFilters[taskType] = accepts;
        return this;
    }

    /// <summary>True when a handler is registered for the task's type and its claim filter (if any) accepts it.</summary>
    internal bool Accepts(TaskRecord task) =>
        Handles(task.TaskType) && (!_claimFilters.TryGetValue(task.TaskType, out var accepts) || accepts(task));

    internal bool TryGet(string taskType, out TaskHandlerRegistration registration) =>
        _handlers.TryGetValue(taskType, out registration!);

    internal TaskHandlerRegistry Add(TaskHandlerRegistration registration)
    {
        if (!_handlers.TryAdd(registration.TaskType, registration))
        {
            throw new ArgumentException($"A handler for task type '{registration.TaskType}' is already registered.", nameof(registration));
        }

        return this;
    }

    private static string Validate(string taskType)
    {
        KeyComponents.ValidateTaskType(taskType);
        return taskType;
    }
}
