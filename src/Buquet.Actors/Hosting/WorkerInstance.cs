using Akka;
using Akka.Actor;
using Akka.Hosting;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Protocol;
using Buquet.Actors.Runtime;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.BuiltIns;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Buquet.Actors.Hosting;

/// <summary>The worker of this host: builds the runtime from options and starts the supervisor (INTERNAL API).</summary>
internal sealed class WorkerInstance(
    IOptions<BuquetOptions> options,
    IObjectStore store,
    TimeProvider time,
    BuquetWorkerBuilder builder,
    ILoggerFactory? loggerFactory = null,
    FleetMembership? membership = null) : IDisposable
{
    private Diagnostics.ExecutionLogWriter? _executionLog;

    /// <summary>The warning a worker without handlers logs at start (it claims no task).</summary>
    public const string NoHandlersWarning =
        "Worker {WorkerId} has NO task handlers and will claim no task: register handlers with AddBuquetWorker(w => w.AddHandler<TMessage>(\"type\", ...)) "
        + "or turn on buquet.worker.built-in-handlers (buquet.echo, buquet.sleep, buquet.fail, buquet.reschedule)";

    /// <summary>
    /// Timeout of Akka's <c>service-requests-done</c> phase, which carries the drain: the drain deadline, the shutdown
    /// grace and room for the release; the supervisor's own <c>Shutdown</c> ask gives up 5 s earlier.
    /// </summary>
    public static TimeSpan DrainPhaseTimeout(Configuration.WorkerOptions worker) => DrainAskTimeout(worker) + TimeSpan.FromSeconds(5);

    private static TimeSpan DrainAskTimeout(Configuration.WorkerOptions worker) => worker.DrainDeadline + worker.ShutdownGrace + TimeSpan.FromSeconds(5);

    public void Start(ActorSystem system, IActorRegistry registry, IHostApplicationLifetime? lifetime)
    {
        var o = options.Value;
        var id = builder.WorkerId ?? (string.IsNullOrEmpty(o.Worker.Id) ? WorkerFactory.NewWorkerId() : o.Worker.Id);
        var handlers = builder.Handlers;
        if (o.Worker.BuiltInHandlers)
        {
            handlers.AddBuiltIns(time);
        }

        var logs = loggerFactory ?? NullLoggerFactory.Instance;
        var logger = logs.CreateLogger<WorkerInstance>();
        // The clustered fleet (ADR 0026), off by default: an actor system of its own, so membership never touches this one.
        // The host's membership (AddBuquet) when there is one: its client and this worker are one member.
        var fleet = o.Cluster.Enabled ? membership?.Fleet ?? new Cluster.FleetCluster(Cluster.FleetClusterSettings.FromOptions(o.Cluster), time, logs) : null;
        Workflows.WorkflowEngine? workflows = null;
        var definitions = builder.Workflows.ToList();
        if (o.Worker.BuiltInHandlers)
        {
            definitions.AddRange(Workflows.SampleWorkflows.All().Where(s => definitions.All(d => d.Name != s.Name)));
        }

        if (definitions.Count > 0)
        {
            var workflowClient = new BuquetClient(store, BuquetHostingExtensions.ClientOptions(o), null, time, logs.CreateLogger<BuquetClient>(), fleet);
            workflows = Workflows.WorkflowRegistration.Register(handlers, workflowClient, builder.JsonOptions, definitions);
        }

        var settings = WorkerSettings.FromOptions(o, id) with { Json = builder.JsonOptions ?? throw new InvalidOperationException("BuquetWorkerBuilder.JsonOptions must not be null.") };
        _executionLog = string.IsNullOrWhiteSpace(o.Worker.ExecutionLog)
            ? null
            : new Diagnostics.ExecutionLogWriter(o.Worker.ExecutionLog, id, Environment.ProcessId, logs.CreateLogger<Diagnostics.ExecutionLogWriter>());
        var runtime = WorkerFactory.CreateRuntime(store, settings, handlers, o.Queue.ShardPrefixLength, time, builder.Random, logs,
            new StoreClock(store, time, o.Clock.SyncInterval, o.Clock.EstimateMaxAge), fleet) with { ExecutionLog = _executionLog };
        if (_executionLog is not null)
        {
            logger.LogInformation("Worker {WorkerId}: execution log {Path}", id, _executionLog.FilePath);
            system.RegisterOnTermination(Dispose); // the instance is not a DI service when attached with WithBuquetWorker
        }

        if (handlers.TaskTypes.Count == 0)
        {
            // Claims nothing, forever: say so where the operator looks first.
            logger.LogWarning(NoHandlersWarning, id);
        }

        logger.LogInformation(
            "Worker {WorkerId} starting: concurrency {Concurrency}, task types {Types}", id, settings.Concurrency, string.Join(", ", handlers.TaskTypes.Order(StringComparer.Ordinal)));
        var activity = system.ActorOf(WorkerActivity.Props(), "worker-activity");
        var supervisor = WorkerFactory.Start(system, runtime, companions: WorkerFactory.Companions(o, runtime, fleet is null ? null : () => fleet.Status.ToString()), activity: activity);
        registry.Register<BuquetWorker>(supervisor, overwrite: true);
        if (fleet is not null)
        {
            // Ready tasks reach one worker per handler set (ADR 0027); cancels and hint moves reach every member.
            fleet.Start(new Cluster.FleetInbox(
                Cluster.FleetBridge.GroupOf(handlers.TaskTypes.Where(runtime.Claims)),
                (key, type) => supervisor.Tell(new Worker.Supervisor.WorkerSupervisor.TaskReadyPushed(key, type)),
                task => supervisor.Tell(new Worker.Supervisor.WorkerSupervisor.CancelPushed(task)),
                (etag, relayed) => supervisor.Tell(new Worker.Supervisor.WorkerSupervisor.HintMoved(etag, relayed))));
            var gauge = Diagnostics.BuquetTelemetry.ObserveFleet(() => (fleet.Status.State.ToString().ToLowerInvariant(), fleet.Status.Members));
            system.RegisterOnTermination(gauge.Dispose);
        }

        if (workflows is not null && o.Workflows.Sweeper.Enabled)
        {
            // Re-drives stuck workflows (orchestrator task missing, ended, or its lease expired); keys dedupe across workers.
            var sweep = Workflows.WorkflowSweep.Settings.FromOptions(o.Workflows.Sweeper);
            system.ActorOf(Workflows.WorkflowSweep.Props(sweep, new Workflows.WorkflowSweeper(workflows, sweep.QuietFor), null, logs.CreateLogger("Buquet.Actors.Workflows.Sweeper")), "workflow-sweeper");
        }

        if (o.Worker.TrimMemoryWhenIdle)
        {
            system.ActorOf(Worker.Memory.IdleMemoryTrim.Props(activity, Worker.Memory.IdleMemoryTrim.Settings.Default, Worker.Memory.IdleMemoryTrim.CollectAggressively), "idle-memory-trim");
        }

        // The drain rides Akka's coordinated shutdown (ADR 0013): stop claiming when the service unbinds, drain,
        // cancel and abandon within service-requests-done, then flush deferred index deletes and release.
        var shutdown = CoordinatedShutdown.Get(system);
        var wait = DrainAskTimeout(o.Worker);
        var supervisorStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "buquet-stop-claiming", () =>
            AskUnlessStoppedAsync<Worker.Supervisor.WorkerSupervisor.ClaimingStopped>(supervisor, Worker.Supervisor.WorkerSupervisor.StopClaiming.Instance, TimeSpan.FromSeconds(5), supervisorStopped.Task));
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "buquet-drain", () =>
            AskUnlessStoppedAsync<Worker.Supervisor.WorkerSupervisor.ShutdownCompleted>(supervisor, Worker.Supervisor.WorkerSupervisor.Shutdown.Instance, wait, supervisorStopped.Task));
        if (runtime.Repository.DeferredDeletes is { } deferred)
        {
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "buquet-index-delete-flush", async () =>
            {
                await deferred.FlushAsync().ConfigureAwait(false);
                return Done.Instance;
            });
        }

        if (fleet is not null)
        {
            // After the drain (cancels were still pushed while it ran): leave the cluster gracefully.
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "buquet-fleet-leave", async () =>
            {
                await fleet.DisposeAsync().ConfigureAwait(false);
                return Done.Instance;
            });
        }

        if (o.Scheduler.Enabled)
        {
            // The scheduler runs in every worker; one leader ticks through leader/scheduler.json (holder = worker id).
            // It shares the worker's store clock (one sync serves both) and idle flag (an idle standby checks rarely).
            var client = new BuquetClient(store, BuquetHostingExtensions.ClientOptions(o), runtime.Clock, time, logs.CreateLogger<BuquetClient>(), fleet);
            var schedulerSettings = Scheduler.Settings.FromConfig(o.Scheduler, id) with { Activity = activity };
            var scheduler = system.ActorOf(Scheduler.SupervisedProps(client, schedulerSettings, logs), "scheduler");
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "buquet-scheduler-resign", async () =>
            {
                await scheduler.Ask<Scheduler.ResignResult>(Scheduler.Resign.Instance, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                return Done.Instance;
            });
        }

        // A worker supervisor that stops outside coordinated shutdown is fatal: say so and stop the host, non-zero.
        system.ActorOf(FatalWatch.Props(supervisor, () =>
        {
            supervisorStopped.TrySetResult();
            if (shutdown.ShutdownReason is not null)
            {
                return;
            }

            logger.LogCritical("Worker {WorkerId}: the worker supervisor stopped unexpectedly; stopping the host with exit code {Code}", id, builder.FatalExitCode);
            builder.SetExitCode(builder.FatalExitCode);
            if (lifetime is not null)
            {
                lifetime.StopApplication();
            }
            else
            {
                _ = shutdown.Run(CoordinatedShutdown.ActorSystemTerminateReason.Instance);
            }
        }), "worker-watch");
    }

    /// <summary>Asks the supervisor, unless it has stopped (a dead supervisor would only let the ask time out).</summary>
    private static async Task<Done> AskUnlessStoppedAsync<T>(IActorRef supervisor, object message, TimeSpan timeout, Task stopped)
    {
        var ask = supervisor.Ask<T>(message, timeout);
        if (await Task.WhenAny(ask, stopped).ConfigureAwait(false) == ask)
        {
            await ask.ConfigureAwait(false);
        }
        else
        {
            _ = ask.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        return Done.Instance;
    }

    /// <summary>Closes the execution log (every line is already written; lines after this are dropped).</summary>
    public void Dispose() => _executionLog?.Dispose();
}
