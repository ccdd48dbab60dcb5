using System.Text.Json;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Hosting;

/// <summary>Configures the worker registered by <see cref="BuquetHostingExtensions.AddBuquetWorker"/>: its handlers and overrides.</summary>
public sealed class BuquetWorkerBuilder
{
    internal BuquetWorkerBuilder()
    {
    }

    /// <summary>The handlers; built-ins are added at start unless <c>buquet.worker.built-in-handlers = false</c>.</summary>
    public TaskHandlerRegistry Handlers { get; } = new();

    /// <summary>Overrides <c>buquet.worker.id</c> (default: the configured id, else <c>worker-</c> + 8 hex digits).</summary>
    public string? WorkerId { get; set; }

    /// <summary>
    /// Serializer settings for handler messages and results (default: <see cref="JsonSerializerDefaults.Web"/>). An
    /// application without reflection-based JSON adds a <c>JsonSerializerContext</c> for its message types to
    /// <c>TypeInfoResolverChain</c>; the built-in handlers' messages resolve without one.
    /// </summary>
    public JsonSerializerOptions JsonOptions { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Uniform random numbers in [0, 1) for poll, backoff and retry jitter (seed it in tests).</summary>
    internal Func<double> Random { get; set; } = Runtime.Jitter.Default;

    /// <summary>Exit code when the worker supervisor stops outside shutdown (default 1).</summary>
    public int FatalExitCode { get; set; } = 1;

    /// <summary>Sets the exit code when the worker fails fatally; default writes <see cref="Environment.ExitCode"/>. Replace in tests.</summary>
    public Action<int> SetExitCode { get; set; } = static code => Environment.ExitCode = code;

    /// <summary>The workflows this worker orchestrates and runs the steps of (see <see cref="AddWorkflow"/>).</summary>
    public IList<Workflows.WorkflowDefinition> Workflows { get; } = [];

    /// <summary>
    /// Registers a workflow: the worker runs <c>workflow.orchestrate</c> (one orchestrator for every registered type)
    /// and the workflow's step and compensation tasks. Validated at start.
    /// </summary>
    /// <param name="definition">The workflow.</param>
    /// <returns>This builder.</returns>
    public BuquetWorkerBuilder AddWorkflow(Workflows.WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        Workflows.Add(definition);
        return this;
    }

    /// <summary>Registers a delegate handler whose result becomes the task's output.</summary>
    /// <typeparam name="TMessage">The input type.</typeparam>
    /// <typeparam name="TResult">The output type.</typeparam>
    /// <param name="taskType">The task type.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>This builder.</returns>
    public BuquetWorkerBuilder AddHandler<TMessage, TResult>(string taskType, Func<TMessage, TaskContext, Task<TResult>> handler)
    {
        Handlers.Add(taskType, handler);
        return this;
    }

    /// <summary>Registers a delegate handler without output.</summary>
    /// <typeparam name="TMessage">The input type.</typeparam>
    /// <param name="taskType">The task type.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>This builder.</returns>
    public BuquetWorkerBuilder AddHandler<TMessage>(string taskType, Func<TMessage, TaskContext, Task> handler)
    {
        Handlers.Add(taskType, handler);
        return this;
    }

    /// <summary>Registers a handler actor class (a new instance per execution).</summary>
    /// <typeparam name="THandler">The handler actor type.</typeparam>
    /// <param name="taskType">The task type.</param>
    /// <returns>This builder.</returns>
    public BuquetWorkerBuilder AddHandler<THandler>(string taskType)
        where THandler : TaskHandlerActor, new()
    {
        Handlers.AddActor<THandler>(taskType);
        return this;
    }

    /// <summary>Registers a handler actor class built by <paramref name="factory"/> (called once per execution).</summary>
    /// <typeparam name="THandler">The handler actor type.</typeparam>
    /// <param name="taskType">The task type.</param>
    /// <param name="factory">Builds an instance.</param>
    /// <returns>This builder.</returns>
    public BuquetWorkerBuilder AddHandler<THandler>(string taskType, Func<THandler> factory)
        where THandler : TaskHandlerActor
    {
        Handlers.AddActor(taskType, factory);
        return this;
    }

    /// <summary>Registers an actor built from <paramref name="props"/> per execution, speaking <see cref="HandleTask{TMessage}"/> / <see cref="TaskReply"/>.</summary>
    /// <typeparam name="TMessage">The input type.</typeparam>
    /// <param name="taskType">The task type.</param>
    /// <param name="props">The handler actor's props.</param>
    /// <returns>This builder.</returns>
    public BuquetWorkerBuilder AddActorHandler<TMessage>(string taskType, Akka.Actor.Props props)
    {
        Handlers.AddActor<TMessage>(taskType, props);
        return this;
    }

    /// <summary>Registers an existing actor speaking <see cref="HandleTask{TMessage}"/> / <see cref="TaskReply"/>.</summary>
    /// <typeparam name="TMessage">The input type.</typeparam>
    /// <param name="taskType">The task type.</param>
    /// <param name="handler">The handler actor.</param>
    /// <returns>This builder.</returns>
    public BuquetWorkerBuilder AddActorHandler<TMessage>(string taskType, Akka.Actor.IActorRef handler)
    {
        Handlers.AddActor<TMessage>(taskType, handler);
        return this;
    }
}
