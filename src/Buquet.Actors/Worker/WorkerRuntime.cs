using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Handlers;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker;

/// <summary>The shared, thread-safe services every worker actor uses (immutable after construction).</summary>
internal sealed record WorkerRuntime(
    WorkerSettings Settings,
    TaskRepository Repository,
    TaskHandlerRegistry Handlers,
    TimeProvider Time,
    Func<double> Random,
    ILoggerFactory LoggerFactory)
{
    public IObjectStore Store => Repository.Store;

    public IStoreClock Clock => Repository.Clock;

    /// <summary>True when this worker may claim tasks of <paramref name="taskType"/>.</summary>
    public bool Claims(string taskType) =>
        Handlers.Handles(taskType) && (Settings.TaskTypes.Count == 0 || Settings.TaskTypes.Contains(taskType, StringComparer.Ordinal));

    /// <summary>True when this worker may claim <paramref name="task"/>: its type, and the type's claim filter.</summary>
    public bool Claims(TaskRecord task) => Claims(task.TaskType) && Handlers.Accepts(task);

    /// <summary>Task schemas checked before each handler runs (<c>buquet.worker.validate-input</c>), or null when off.</summary>
    public Schemas.SchemaCache? Schemas { get; init; }

    /// <summary>Claims won by the path that woke them (ADR 0027), for the metric and the registry entry.</summary>
    public PickupCounter Pickups { get; init; } = new();

    /// <summary>The execution log (<c>buquet.worker.execution-log</c>), or null when off.</summary>
    public Diagnostics.ExecutionLogWriter? ExecutionLog { get; init; }
}
