using Buquet.Actors.Kernel;
using Buquet.Actors.Worker.Handlers;
using Microsoft.Extensions.Logging;
using ExecutorProtocol = Buquet.Actors.Worker.Executor.Executor;
using PollerProtocol = Buquet.Actors.Worker.Poller.Poller;

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
    private WorkerPhase _phase = WorkerPhase.Running;
    private List<Guid> _abandoned = [];

    private void ReceiveShutdown()
    {
        Receive<WorkerSupervisor.Shutdown>(_ => OnShutdown());
        Receive<WorkerSupervisor.DrainExpired>(_ => OnDrainExpired());
        ReceiveAsync<WorkerSupervisor.GraceExpired>(_ => OnGraceExpiredAsync());
    }

    private void OnShutdown()
    {
        if (Sender is { } asker)
        {
            if (_phase == WorkerPhase.Stopped)
            {
                asker.Tell(new WorkerSupervisor.ShutdownCompleted(_abandoned));
                return;
            }

            _shutdownAskers.Add(asker);
        }

        if (_phase != WorkerPhase.Running)
        {
            return;
        }

        _logger.LogInformation("Worker {WorkerId} stopping: no new claims; draining {Count} task(s) for up to {Deadline}", _runtime.Settings.WorkerId, _inFlight.Count, _runtime.Settings.DrainDeadline);
        _phase = WorkerPhase.Draining;
        _poller?.Tell(PollerProtocol.StopPolling.Instance);

        // Recovery and sweeping are other workers' job from here: a pass in progress stops at its next request.
        _runtime.Activity.SignalStopping();
        if (_monitor is not null)
        {
            Context.Stop(_monitor);
            _monitor = null;
        }

        Timers.StartSingleTimer(DrainKey, WorkerSupervisor.DrainExpired.Instance, _runtime.Settings.DrainDeadline);
        CheckDrained();
    }

    private void OnDrainExpired()
    {
        if (_phase != WorkerPhase.Draining)
        {
            return;
        }

        _phase = WorkerPhase.Cancelling;
        _logger.LogWarning("Drain deadline passed with {Count} task(s) running; requesting cancellation", _inFlight.Count);
        foreach (var entry in _inFlight.Values)
        {
            entry.Executor.Tell(new ExecutorProtocol.CancelExecution(TaskCancellationReason.Shutdown));
        }

        Timers.StartSingleTimer(GraceKey, WorkerSupervisor.GraceExpired.Instance, _runtime.Settings.ShutdownGrace);
    }

    private async Task OnGraceExpiredAsync()
    {
        if (_phase != WorkerPhase.Cancelling)
        {
            return;
        }

        _abandoned = [.. _inFlight.Keys];
        if (_abandoned.Count > 0)
        {
            _logger.LogWarning("Shutdown grace passed; leaving {Count} task(s) to lease expiry", _abandoned.Count);
        }

        foreach (var entry in _inFlight.Values)
        {
            Context.Unwatch(entry.Executor);
            Context.Stop(entry.Executor);
        }

        _inFlight.Clear();
        await CompleteShutdownAsync();
    }

    private void CheckDrained()
    {
        if (_phase is WorkerPhase.Draining or WorkerPhase.Cancelling && _inFlight.Count == 0 && _claiming.Count == 0)
        {
            Self.Tell(WorkerSupervisor.GraceExpired.Instance);
            _phase = WorkerPhase.Cancelling;
        }
    }

    private async Task ReleaseCompanionsAsync()
    {
        var timeout = TimeSpan.FromSeconds(5);
        try
        {
            if (_shardLease is not null)
            {
                await _shardLease.Ask<ShardLease.ShardLeasing.Released>(ShardLease.ShardLeasing.ReleaseAll.Instance, timeout);
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
        _phase = WorkerPhase.Stopped;
        Timers.CancelAll();
        await ReleaseCompanionsAsync();
        if (_onStopped is not null)
        {
            try
            {
                await _onStopped();
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Release at shutdown failed (shard leases / deregistration); they will expire");
            }
        }

        _logger.LogInformation("Worker {WorkerId} stopped", _runtime.Settings.WorkerId);
        foreach (var asker in _shutdownAskers)
        {
            asker.Tell(new WorkerSupervisor.ShutdownCompleted(_abandoned));
        }

        _shutdownAskers.Clear();
    }
}
