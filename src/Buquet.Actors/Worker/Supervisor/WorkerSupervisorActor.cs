using System.Diagnostics;
using Akka.Actor;
using Akka.Pattern;
using Buquet.Actors.Runtime;
using Buquet.Actors.Worker.Claimers;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Pollers;
using Microsoft.Extensions.Logging;
using Buquet.Actors.Worker.CancelWatches;
using Buquet.Actors.Worker.ShardLeases;

namespace Buquet.Actors.Worker.Supervisor;

/// <summary>
/// The root of one worker: owns the poller (under a backoff supervisor), one claimer per candidate and one executor
/// (with its lease renewer) per claimed task; enforces the global and per-type concurrency limits; runs the phased
/// shutdown (see WorkerSupervisorActor.Shutdown.cs).
/// </summary>
internal sealed partial class WorkerSupervisorActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    // Immutable after construction.
    private readonly WorkerRuntime _runtime;
    private readonly IReadOnlyList<string> _initialShards;
    private readonly WorkerCompanions _companions;
    private readonly ILogger _logger;

    // Actor-confined.
    private readonly Dictionary<Guid, InFlight> _inFlight = [];
    private readonly Dictionary<Guid, Claiming> _claiming = [];
    private readonly Dictionary<string, int> _perType = new(StringComparer.Ordinal);
    private readonly IActorRef? _givenActivity;
    private IActorRef _activity = ActorRefs.Nobody;
    private IActorRef? _poller;
    private IActorRef? _registry;
    private IActorRef? _monitor;
    private IActorRef? _retention;
    private IActorRef? _shardLease;
    private int _batchPending;
    private int _batchClaimed;
    private long _spawned;
    private IReadOnlyList<string>? _ownedShards; // the latest shard-lease report, for a restarted poller

    public WorkerSupervisorActor(WorkerRuntime runtime, IReadOnlyList<string> shards, WorkerCompanions companions, IActorRef? activity)
    {
        _givenActivity = activity;
        _companions = companions;
        _runtime = runtime;
        _initialShards = shards;
        _logger = runtime.LoggerFactory.CreateLogger<WorkerSupervisorActor>();
        Become(Running);
    }

    private int Slots => _inFlight.Count + _claiming.Count;

    private int Free => Math.Max(0, _runtime.Settings.Concurrency - Slots);

    /// <summary>Claiming: the poller offers candidates, claimers reserve type slots, executors run.</summary>
    private void Running()
    {
        _phase = WorkerPhase.Running;
        Receive<Poller.Started>(_ => OnPollerStarted());
        Receive<Poller.Candidates>(OnCandidates);
        Receive<Claimer.ReserveTypeSlot>(r => OnReserveTypeSlot(r, granting: true));
        Receive<ShardLeasing.OwnedShardsChanged>(m =>
        {
            _ownedShards = [.. m.Shards.Order(StringComparer.Ordinal)];
            _poller?.Tell(new Poller.SetShards(_ownedShards));
        });
        Receive<WorkerSupervisor.TaskReadyPushed>(OnTaskReadyPushed);
        Receive<WorkerSupervisor.HintMoved>(m => _poller?.Tell(new Poller.MemberHint(m.ETag, m.Relayed)));
        ReceiveInFlight(running: true);
        ReceiveShutdown();
    }

    /// <summary>
    /// Handlers every phase until stopped shares: claim results, finished executions, status. While running a freed
    /// slot is offered to the poller; while stopping it may complete the drain.
    /// </summary>
    private void ReceiveInFlight(bool running)
    {
        Receive<Claimer.ClaimResult>(r => OnClaimResult(r, running));
        Receive<Executor.ExecutionFinished>(f => OnExecutionFinished(f, running));
        Receive<Terminated>(t => OnTerminated(t, running));
        Receive<WorkerSupervisor.GetStatus>(_ => Sender.Tell(Status(running)));
        Receive<CancelWatch.GetRunningTasks>(_ => Sender.Tell(RunningTasks()));
        Receive<WorkerSupervisor.CancelPushed>(m =>
        {
            if (_inFlight.TryGetValue(m.TaskId, out var entry))
            {
                entry.Executor.Tell(Executor.CheckCancel.Instance); // one GET; S3 decides
            }
        });
        if (!running)
        {
            Receive<WorkerSupervisor.TaskReadyPushed>(_ => { });
            Receive<WorkerSupervisor.HintMoved>(_ => { });
        }
    }

    protected override void PreStart()
    {
        _activity = _givenActivity ?? Context.ActorOf(WorkerActivity.Props(), "activity");
        var pollerProps = Poller.Props(_runtime, Self, _initialShards, _activity);
        var backoff = Backoff.OnFailure(pollerProps, "poller", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), 0.2, -1)
            .WithAutoReset(TimeSpan.FromMinutes(1));
        _poller = Context.ActorOf(BackoffSupervisor.Props(backoff), "poller-supervisor");
        if (_runtime.Settings.CancelCheckInterval > TimeSpan.Zero)
        {
            var watch = CancelWatch.Props(_runtime, Self, _runtime.Settings.CancelCheckInterval);
            Context.ActorOf(Maintenance.MaintenanceSupervision.Supervised(watch, "cancel-watch"), "cancel-watch-supervisor");
        }

        if (_companions.Monitor is { } monitor)
        {
            _monitor = Context.ActorOf(Maintenance.MaintenanceSupervision.Supervised(monitor(_activity), "monitor"), "monitor-supervisor");
        }

        if (_companions.Registry is { } registry)
        {
            _registry = Context.ActorOf(Maintenance.MaintenanceSupervision.Supervised(registry(_activity), "registry"), "registry-supervisor");
        }

        if (_companions.Retention is { } retention)
        {
            _retention = Context.ActorOf(Maintenance.MaintenanceSupervision.Supervised(retention(_activity), "retention"), "retention-supervisor");
        }

        if (_companions.ShardLease is { } shardLease)
        {
            _shardLease = Context.ActorOf(Maintenance.MaintenanceSupervision.Supervised(shardLease(Self, _activity), "shard-lease"), "shard-lease-supervisor");
        }
    }

    /// <summary>
    /// A poller (re)started: its capacity, and the owned shards when they are not those its props were built with. A
    /// restarted poller is built from the first props (with shard leasing: no shard), and a <see cref="Poller.SetShards"/>
    /// sent while it was down went to dead letters (a backoff supervisor does not keep messages for a stopped child).
    /// </summary>
    private void OnPollerStarted()
    {
        if (_ownedShards is { } owned && !owned.SequenceEqual(_initialShards, StringComparer.Ordinal))
        {
            Sender.Tell(new Poller.SetShards(owned));
        }

        Sender.Tell(new Poller.Capacity(Free));
    }

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    private void OnCandidates(Poller.Candidates candidates)
    {
        _batchPending = 0;
        _batchClaimed = 0;
        foreach (var candidate in candidates.Items)
        {
            if (Free <= 0)
            {
                break;
            }

            if (_inFlight.ContainsKey(candidate.TaskId) || !_claiming.TryAdd(candidate.TaskId, new Claiming(candidates.Path, Direct: false)))
            {
                continue;
            }

            _batchPending++;
            // Akka keeps a child's name until it has fully terminated: the counter keeps names unique when a task is
            // offered again right after its last claimer stopped.
            Context.ActorOf(Claimer.Props(_runtime, candidate.TaskId, candidate.TaskKey), $"claim-{candidate.TaskId:N}-{++_spawned}");
        }

        if (_batchPending == 0)
        {
            _poller?.Tell(new Poller.BatchResult(0));
        }

        AssertInvariants();
    }

    private void OnReserveTypeSlot(Claimer.ReserveTypeSlot request, bool granting)
    {
        var count = _perType.GetValueOrDefault(request.TaskType);
        var granted = granting
            && (!_runtime.Settings.PerTypeConcurrency.TryGetValue(request.TaskType, out var limit) || count < limit);
        if (granted)
        {
            _perType[request.TaskType] = count + 1;
        }

        Sender.Tell(new Claimer.TypeSlotResult(granted));
    }

    private void OnClaimResult(Claimer.ClaimResult result, bool running)
    {
        _claiming.Remove(result.TaskId, out var claiming);
        if (result.Claimed && result.TaskType is { } type)
        {
            _runtime.Pickups.Add(claiming.Path);
            var snapshot = result.Snapshot!;
            var claimedAt = snapshot.Task.UpdatedAt;
            var executor = Context.ActorOf(Executor.Props(_runtime, snapshot, claimedAt), $"task-{result.TaskId:N}-{++_spawned}");
            Context.Watch(executor);
            _inFlight[result.TaskId] = new InFlight(type, executor, snapshot.Task.Shard, claimedAt);
            _batchClaimed++;
            _registry?.Tell(new Registry.WorkerHeartbeat.TaskStarted(result.TaskId));
            Context.System.EventStream.Publish(new WorkerSupervisor.TaskStarted(_runtime.Settings.WorkerId, result.TaskId, type, snapshot.Task.Attempt));
        }
        else
        {
            if (result.TypeSlotReserved && result.TaskType is { } reserved)
            {
                ReleaseType(reserved);
            }

            _logger.LogDebug("Task {TaskId} not claimed: {Status} {Detail}", result.TaskId, result.Status, result.Detail);
        }

        if (!claiming.Direct && _batchPending > 0 && --_batchPending == 0 && running)
        {
            _poller?.Tell(new Poller.BatchResult(_batchClaimed));
        }

        AfterSlotChange(running);
    }

    private void OnExecutionFinished(Executor.ExecutionFinished finished, bool running)
    {
        if (_inFlight.Remove(finished.TaskId, out var entry))
        {
            Context.Unwatch(entry.Executor);
            ReleaseType(entry.TaskType);
            _registry?.Tell(new Registry.WorkerHeartbeat.TaskFinished(finished.TaskId, finished.Outcome is ExecutionResult.Failed or ExecutionResult.Discarded));
        }

        _logger.LogInformation("Task {TaskId} ({TaskType}) finished: {Result}", finished.TaskId, finished.TaskType, finished.Outcome);
        Context.System.EventStream.Publish(finished);
        AfterSlotChange(running);
    }

    private void OnTerminated(Terminated terminated, bool running)
    {
        // An executor that stopped without reporting (it crashed): its lease expires and the monitor recovers the task.
        foreach (var (id, entry) in _inFlight)
        {
            if (entry.Executor.Equals(terminated.ActorRef))
            {
                _inFlight.Remove(id);
                ReleaseType(entry.TaskType);
                _logger.LogWarning("Executor of task {TaskId} stopped without finishing; the task is left to lease expiry", id);
                Context.System.EventStream.Publish(new Executor.ExecutionFinished(id, entry.TaskType, ExecutionResult.Discarded, "executor stopped"));
                break;
            }
        }

        AfterSlotChange(running);
    }

    private void ReleaseType(string taskType)
    {
        if (_perType.TryGetValue(taskType, out var count))
        {
            if (count <= 1)
            {
                _perType.Remove(taskType);
            }
            else
            {
                _perType[taskType] = count - 1;
            }
        }
    }

    private void AfterSlotChange(bool running)
    {
        if (running)
        {
            _poller?.Tell(new Poller.Capacity(Free));
        }
        else
        {
            CheckDrained();
        }

        AssertInvariants();
    }

    private CancelWatch.RunningTasks RunningTasks() =>
        new([.. _inFlight.Select(kv => new CancelWatch.RunningTask(kv.Key, kv.Value.Shard, kv.Value.ClaimedAt, kv.Value.Executor))]);

    private WorkerStatus Status(bool running) => new(_phase, [.. _inFlight.Keys], _claiming.Count, running ? Free : 0, new Dictionary<string, int>(_perType));

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(Slots <= _runtime.Settings.Concurrency, "more tasks in flight than the concurrency limit");
        Debug.Assert(_perType.Values.Sum() <= Slots, "per-type reservations exceed the slots in use");
    }

    private sealed record InFlight(string TaskType, IActorRef Executor, string Shard, DateTimeOffset ClaimedAt);
}
