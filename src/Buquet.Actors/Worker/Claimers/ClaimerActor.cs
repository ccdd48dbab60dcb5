using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Claimers;

/// <summary>
/// Claims one candidate: GET the task (skip it when this worker has no handler for its type, or the type is at its
/// limit), then TaskRepository.ClaimAsync on that snapshot (no second GET). Lost races, unavailable or expired tasks
/// are normal outcomes reported to the parent; the claimer never throws for them. Stops itself after reporting.
/// </summary>
internal sealed class ClaimerActor : ReceiveActor
{
    private static readonly TimeSpan ReserveTimeout = TimeSpan.FromSeconds(30);

    // Immutable after construction.
    private readonly WorkerRuntime _runtime;
    private readonly Guid _taskId;
    private readonly string _taskKey;
    private readonly ILogger _logger;

    // Actor-confined.
    private string? _reservedType;

    public ClaimerActor(WorkerRuntime runtime, Guid taskId, string taskKey)
    {
        _runtime = runtime;
        _taskId = taskId;
        _taskKey = taskKey;
        _logger = runtime.LoggerFactory.CreateLogger<ClaimerActor>();
        ReceiveAsync<Claimer.Start>(_ => ClaimAsync());
    }

    protected override void PreStart() => Self.Tell(Claimer.Start.Instance);

    private async Task ClaimAsync()
    {
        var parent = Context.Parent;
        Claimer.ClaimResult result;
        try
        {
            result = await TryClaimAsync(parent);
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogDebug(ex, "Claim of task {TaskId} failed: store unavailable", _taskId);
            result = new Claimer.ClaimResult(_taskId, _reservedType, ClaimStatus.NotAvailable, null, _reservedType is not null, ClaimSkips.Unavailable);
        }
        catch (Exception ex)
        {
            // Never crash on one bad candidate: report it and let the poller move on.
            _logger.LogWarning(ex, "Claim of task {TaskId} failed", _taskId);
            result = new Claimer.ClaimResult(_taskId, _reservedType, ClaimStatus.NotAvailable, null, _reservedType is not null, ex.Message);
        }

        parent.Tell(result, Self);
        Context.Stop(Self);
    }

    private async Task<Claimer.ClaimResult> TryClaimAsync(IActorRef parent)
    {
        TaskSnapshot? snapshot;
        try
        {
            snapshot = await _runtime.Repository.GetByKeyAsync(_taskKey);
        }
        catch (MalformedObjectException ex)
        {
            _logger.LogWarning("Skipping malformed task object {Key}: {Problem}", _taskKey, ex.Message);
            return new Claimer.ClaimResult(_taskId, null, ClaimStatus.Malformed, null, false, ex.Message);
        }

        if (snapshot is null)
        {
            return new Claimer.ClaimResult(_taskId, null, ClaimStatus.NotFound, null, false, null);
        }

        var task = snapshot.Task;
        if (task.Status != BuquetTaskStatus.Pending)
        {
            return new Claimer.ClaimResult(_taskId, task.TaskType, ClaimStatus.NotAvailable, null, false, $"status {task.Status}");
        }

        if (!_runtime.Claims(task))
        {
            return new Claimer.ClaimResult(_taskId, task.TaskType, ClaimStatus.NotAvailable, null, false, _runtime.Claims(task.TaskType) ? ClaimSkips.Declined : ClaimSkips.Unhandled);
        }

        var slot = await parent.Ask<Claimer.TypeSlotResult>(new Claimer.ReserveTypeSlot(_taskId, task.TaskType), ReserveTimeout);
        if (!slot.Granted)
        {
            return new Claimer.ClaimResult(_taskId, task.TaskType, ClaimStatus.NotAvailable, null, false, ClaimSkips.TypeAtLimit);
        }

        _reservedType = task.TaskType;

        var outcome = await _runtime.Repository.ClaimAsync(snapshot, _runtime.Settings.WorkerId);
        return new Claimer.ClaimResult(_taskId, task.TaskType, outcome.Status, outcome.Snapshot, true, outcome.Message);
    }
}
