using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Worker.CancelWatches;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Worker.Claimers;
using Microsoft.Extensions.Logging;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Pollers;
using Buquet.Actors.Worker.ShardLeases;

namespace Buquet.Actors.Worker.Supervisor;

/// <summary>
/// Phased shutdown: stop claiming → drain (leases still renewed) until the drain deadline → cancel running handlers →
/// after the shutdown grace, stop what still runs (left to lease expiry) → release (shard leases, deregistration).
/// </summary>
internal sealed partial class WorkerSupervisorActor
{
    private const string DrainKey = "drain";
    private const string GraceKey = "grace";

    // Actor-confined.
    private readonly List<IActorRef> _shutdownAskers = [];
    private WorkerPhase _phase = WorkerPhase.Running; // the name of the current behaviour, for the status only
    private List<Guid> _abandoned = [];

    /// <summary>Shutdown requests while running: the first one starts the drain.</summary>
    private void ReceiveShutdown()
    {
        Receive<WorkerSupervisor.StopClaiming>(_ =>
        {
            BeginDrain();
            Sender.Tell(new WorkerSupervisor.ClaimingStopped(_inFlight.Count));
        });
        Receive<WorkerSupervisor.Shutdown>(_ =>
        {
            AddAsker();
            BeginDrain();
        });
    }

    /// <summary>No new claims; tasks in flight run on with their leases renewed until the drain deadline.</summary>
    private void Draining()
    {
        _phase = WorkerPhase.Draining;
        ReceiveStopping();
        Receive<WorkerSupervisor.DrainExpired>(_ => OnDrainExpired());
    }

    /// <summary>Handlers cancelled; what still runs at the end of the grace is left to lease expiry.</summary>
    private void Cancelling()
    {
        _phase = WorkerPhase.Cancelling;
        ReceiveStopping();
        ReceiveAsync<WorkerSupervisor.GraceExpired>(_ => OnGraceExpiredAsync());
    }

    /// <summary>Shut down: askers are answered at once, everything else is dropped.</summary>
    private void Stopped()
    {
        _phase = WorkerPhase.Stopped;
        Receive<WorkerSupervisor.Shutdown>(_ => Sender.Tell(new WorkerSupervisor.ShutdownCompleted(_abandoned)));
        Receive<WorkerSupervisor.StopClaiming>(_ => Sender.Tell(new WorkerSupervisor.ClaimingStopped(0)));
        Receive<WorkerSupervisor.GetStatus>(_ => Sender.Tell(Status(running: false)));
        Receive<CancelWatch.GetRunningTasks>(_ => Sender.Tell(new CancelWatch.RunningTasks([])));
        Receive<Claimer.ClaimResult>(r => _claiming.Remove(r.TaskId));
        Receive<ShardLeasing.OwnedShardsChanged>(_ => { }); // the release at shutdown reports an empty set
    }

    private void ReceiveStopping()
    {
        Receive<Poller.Started>(_ => Sender.Tell(new Poller.Capacity(0)));
        Receive<Poller.Candidates>(_ => _poller?.Tell(new Poller.BatchResult(0)));
        Receive<Claimer.ReserveTypeSlot>(r => OnReserveTypeSlot(r, granting: false));
        Receive<WorkerSupervisor.StopClaiming>(_ => Sender.Tell(new WorkerSupervisor.ClaimingStopped(_inFlight.Count)));
        Receive<WorkerSupervisor.Shutdown>(_ => AddAsker());
        Receive<ShardLeasing.OwnedShardsChanged>(_ => { }); // no polling any more
        ReceiveInFlight(running: false);
    }

    private void AddAsker()
    {
        if (!Sender.IsNobody() && !Sender.Equals(Context.System.DeadLetters))
        {
            _shutdownAskers.Add(Sender);
        }
    }

    private void BeginDrain()
    {
        _logger.LogInformation("Worker {WorkerId} stopping: no new claims; draining {Count} task(s) for up to {Deadline}", _runtime.Settings.WorkerId, _inFlight.Count, _runtime.Settings.DrainDeadline);
        Become(Draining);
        _poller?.Tell(Poller.StopPolling.Instance);

        // Recovery and sweeping are other workers' job from here: stopping the monitor cancels a pass in progress.
        if (_monitor is not null)
        {
            Context.Stop(_monitor);
            _monitor = null;
        }

        if (_retention is not null)
        {
            Context.Stop(_retention);
            _retention = null;
        }

        Timers.StartSingleTimer(DrainKey, WorkerSupervisor.DrainExpired.Instance, _runtime.Settings.DrainDeadline);
        CheckDrained();
    }

    private void OnDrainExpired()
    {
        Become(Cancelling);
        _logger.LogWarning("Drain deadline passed with {Count} task(s) running; requesting cancellation", _inFlight.Count);
        foreach (var entry in _inFlight.Values)
        {
            entry.Executor.Tell(new Executor.CancelExecution(TaskCancellationReason.Shutdown));
        }

        Timers.StartSingleTimer(GraceKey, WorkerSupervisor.GraceExpired.Instance, _runtime.Settings.ShutdownGrace);
    }

    private async Task OnGraceExpiredAsync()
    {
        _abandoned = [.. _inFlight.Keys];
        if (_abandoned.Count > 0)
        {
            _logger.LogWarning("Shutdown grace passed; leaving {Count} task(s) to lease expiry", _abandoned.Count);
        }

        foreach (var entry in _inFlight.Values)
        {
            // A message, not a system stop: an executor in the middle of its commit finishes it first.
            Context.Unwatch(entry.Executor);
            entry.Executor.Tell(Executor.Abandon.Instance);
        }

        _inFlight.Clear();
        await CompleteShutdownAsync();
    }

    private void CheckDrained()
    {
        if (_inFlight.Count == 0 && _claiming.Count == 0)
        {
            Become(Cancelling);
            Self.Tell(WorkerSupervisor.GraceExpired.Instance);
        }
    }

    private async Task ReleaseCompanionsAsync()
    {
        var timeout = TimeSpan.FromSeconds(5);
        try
        {
            if (_shardLease is not null)
            {
                await _shardLease.Ask<ShardLeasing.Released>(ShardLeasing.ReleaseAll.Instance, timeout);
            }

            if (_registry is not null)
            {
                await _registry.Ask<Registry.WorkerHeartbeat.Deregistered>(Registry.WorkerHeartbeat.Deregister.Instance, timeout);
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Releasing shard leases / deregistering failed; they expire on their own");
        }
    }

    private async Task CompleteShutdownAsync()
    {
        Become(Stopped);
        Timers.CancelAll();
        await ReleaseCompanionsAsync();

        _logger.LogInformation("Worker {WorkerId} stopped", _runtime.Settings.WorkerId);
        foreach (var asker in _shutdownAskers)
        {
            asker.Tell(new WorkerSupervisor.ShutdownCompleted(_abandoned));
        }

        _shutdownAskers.Clear();
    }
}
