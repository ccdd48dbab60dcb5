using System.Text.Json;
using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.Handlers;
using Microsoft.Extensions.Logging;
using Buquet.Actors.Worker.LeaseRenewers;

namespace Buquet.Actors.Worker.Executors;

/// <summary>
/// Runs one claimed task: starts the lease renewer beside the handler, runs the handler with the task's timeout,
/// and commits complete / retry / fail / reschedule with CAS and lease-id fencing, only while the lease is trusted.
/// A handler that ignores cancellation is abandoned after timeout + grace: the slot is released, a late result is
/// discarded. Always ends by telling its parent <see cref="Executor.ExecutionFinished"/> and stopping itself.
/// </summary>
internal sealed partial class ExecutorActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    private const string AbandonKey = "abandon";
    private const string TimeoutKey = "timeout";

    // Immutable after construction.
    private readonly WorkerRuntime _runtime;
    private readonly DateTimeOffset _claimedAt;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts;
    private readonly long _claimedTimestamp;
    private readonly string? _claimedLastError;

    // Actor-confined.
    private TaskSnapshot _held;
    private DateTimeOffset _trustedUntil;
    private IActorRef? _renewer;
    private IActorRef _self = ActorRefs.Nobody;
    private bool _finished;
    private JsonElement? _output;
    private byte[]? _outputBytes;
    private System.Diagnostics.Activity? _activity;
    private Diagnostics.BuquetTelemetry.InFlightScope? _inFlight;
    private long _startedAt;

    // Shared with the handler's threads (read through TaskContext).
    private volatile int _reason;

    public ExecutorActor(WorkerRuntime runtime, TaskSnapshot claimed, DateTimeOffset claimedAt)
    {
        _runtime = runtime;
        _held = claimed;
        _claimedAt = claimedAt;
        _logger = runtime.LoggerFactory.CreateLogger<ExecutorActor>();
        _cts = new CancellationTokenSource();
        _claimedTimestamp = runtime.Time.GetTimestamp();
        _claimedLastError = claimed.Task.LastError;
        var expiry = claimed.Task.LeaseExpiresAt ?? claimedAt;
        var length = TrustWindow.LeaseLength(Math.Max(1, (long)(expiry - claimedAt).TotalSeconds), runtime.Settings.LeaseTtl);
        _trustedUntil = TrustWindow.TrustedUntil(expiry, length);

        ReceiveAsync<Executor.Start>(_ => StartAsync());
        ReceiveAsync<Executor.HandlerDone>(OnHandlerDoneAsync);
        ReceiveAsync<Executor.AbandonTick>(_ => AbandonAsync());
        Receive<Executor.TimeoutTick>(_ => CancelHandler(TaskCancellationReason.Timeout));
        Receive<Executor.CancelExecution>(m => CancelHandler(m.Reason));
        Receive<LeaseRenewer.LeaseRenewed>(OnRenewed);
        Receive<LeaseRenewer.LeaseLost>(m =>
        {
            _trustedUntil = DateTimeOffset.MinValue;
            CancelHandler(TaskCancellationReason.LeaseLost);
        });
        Receive<LeaseRenewer.CancelRequested>(_ => CancelHandler(TaskCancellationReason.CancelRequested));
        ReceiveAsync<Executor.CheckCancel>(_ => CheckCancelAsync());
        Receive<LeaseRenewer.ExtendLease>(m => _renewer?.Tell(m, Sender));
        Receive<Executor.Abandon>(_ => Context.Stop(Self));
        Receive<Terminated>(_ => { });
    }

    private TaskRecord Task => _held.Task;

    protected override void PreStart()
    {
        _self = Self;
        Self.Tell(Executor.Start.Instance);
    }

    protected override void PostStop()
    {
        if (!_finished)
        {
            // Stopped from outside (crash, shutdown grace over): the lease is left to expire; cancel the handler.
            CancelHandler(TaskCancellationReason.Shutdown);
            LogAbandoned();
        }

        _cts.Dispose();
    }

    private async Task StartAsync()
    {
        var deadline = Task.LeaseExpiresAt ?? _claimedAt.AddSeconds(Task.TimeoutSeconds);
        var timeout = deadline - _claimedAt;
        ArmTimeout(timeout);
        _renewer = Context.ActorOf(LeaseRenewer.Props(_runtime, _held, _claimedAt, Self), "lease");
        Context.Watch(_renewer);

        JsonElement? input = Task.Input;
        if (input is null && Task.InputRef is { } inputRef)
        {
            try
            {
                var payload = await _runtime.Store.GetAsync(inputRef);
                input = payload is null ? null : JsonDocument.Parse(payload.Body).RootElement.Clone();
                if (payload is null)
                {
                    await FinishAsync(new Decision(DecisionKind.Fail, $"Permanent error: input payload {inputRef} is missing"));
                    return;
                }
            }
            catch (Exception ex) when (ex is Storage.ObjectStoreUnavailableException or JsonException)
            {
                await FinishAsync(new Decision(DecisionKind.Retry, $"Cannot load input payload {inputRef}: {ex.Message}"));
                return;
            }
        }

        if (Task.CancelRequested)
        {
            // Claimed with the request already set (e.g. requested during an attempt that then retried): not run.
            _logger.LogInformation("Task {TaskId} ({TaskType}) was claimed with a cancellation request; ending it cancelled", Task.Id, Task.TaskType);
            Interlocked.CompareExchange(ref _reason, (int)TaskCancellationReason.CancelRequested, (int)TaskCancellationReason.None);
            await FinishAsync(OutcomePolicy.ForCancellation(TaskCancellationReason.CancelRequested));
            return;
        }

        if (!_runtime.Handlers.TryGet(Task.TaskType, out var registration))
        {
            // Only claimed types with handlers are claimed; a registry change between claim and run lands here.
            await FinishAsync(new Decision(DecisionKind.Retry, $"No handler registered for task type: {Task.TaskType}"));
            return;
        }

        if (_runtime.Settings.ValidateInput && _runtime.Schemas is { } schemas && await CheckInputSchemaAsync(schemas, input) is { } refused)
        {
            await FinishAsync(refused);
            return;
        }

        await LogStartAsync();
        var context = new TaskContext(Task, deadline, _cts.Token, ExtendLeaseAsync, () => (TaskCancellationReason)_reason, _logger);
        Task<JsonElement?> running;
        try
        {
            _activity = Diagnostics.BuquetTelemetry.StartTaskActivity(Task.Id, Task.TaskType, Task.Attempt, _runtime.Settings.WorkerId);
            _inFlight = Diagnostics.BuquetTelemetry.TrackInFlight(Task.TaskType);
            _startedAt = _runtime.Time.GetTimestamp();
            running = registration.Start(props => Context.ActorOf(props, "handler"), input, context, _runtime.Settings.Json);
        }
        catch (Exception ex)
        {
            running = System.Threading.Tasks.Task.FromException<JsonElement?>(ex);
        }

        _ = running.PipeTo(Self, success: o => new Executor.HandlerDone(o, null), failure: e => new Executor.HandlerDone(null, e));
    }

    private void ArmTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero)
        {
            timeout = TimeSpan.Zero;
        }

        Timers.StartSingleTimer(TimeoutKey, Executor.TimeoutTick.Instance, timeout);
        Timers.StartSingleTimer(AbandonKey, Executor.AbandonTick.Instance, timeout + _runtime.Settings.TimeoutGrace);
    }

    private async Task<DateTimeOffset> ExtendLeaseAsync(TimeSpan extra, CancellationToken cancellationToken)
    {
        // Runs on the handler's thread, where Akka's Self/Context are not available: use the captured reference.
        var result = await _self.Ask<LeaseRenewer.ExtendLeaseResult>(new LeaseRenewer.ExtendLease(extra), Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        return result.NewExpiry ?? throw new OperationCanceledException("The task's lease is lost; stop working on it.");
    }

    private void OnRenewed(LeaseRenewer.LeaseRenewed renewed)
    {
        _held = renewed.Snapshot;
        _trustedUntil = renewed.TrustedUntil;
        if (renewed.DeadlineExtended && !_finished && _reason == (int)TaskCancellationReason.None && renewed.Snapshot.Task.LeaseExpiresAt is { } expiry)
        {
            ArmTimeout(expiry - renewed.StoreNow);
        }
    }

    /// <summary>The cancel watch saw this task's shard hint move: re-read the task (one GET) and honour a request.</summary>
    private async Task CheckCancelAsync()
    {
        if (_finished || _reason != (int)TaskCancellationReason.None)
        {
            return;
        }

        TaskSnapshot? fresh;
        try
        {
            fresh = await _runtime.Repository.GetAsync(Task.Id);
        }
        catch (Exception ex) when (ex is Storage.ObjectStoreUnavailableException or MalformedObjectException)
        {
            _logger.LogDebug(ex, "Task {TaskId}: cancel check could not read the task; the next lease renewal sees the request", Task.Id);
            return;
        }

        if (_finished || fresh is not { Task: { Status: BuquetTaskStatus.Running, CancelRequested: true } current } || current.LeaseId != Task.LeaseId)
        {
            return;
        }

        if (current.UpdatedAt >= Task.UpdatedAt)
        {
            _held = fresh; // the commit's CAS then needs no extra round
        }

        CancelHandler(TaskCancellationReason.CancelRequested);
    }

    private void CancelHandler(TaskCancellationReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)TaskCancellationReason.None) == (int)TaskCancellationReason.None)
        {
            _logger.LogInformation("Cancelling task {TaskId} ({TaskType}): {Reason}", Task.Id, Task.TaskType, reason);
        }

        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // already stopped
        }
    }

    private async Task OnHandlerDoneAsync(Executor.HandlerDone done)
    {
        if (_finished)
        {
            _logger.LogWarning("Late result of abandoned task {TaskId} discarded", Task.Id);
            return;
        }

        _output = done.Output;

        // A clean success after a cancellation still counts (while the lease is trusted).
        var reason = (TaskCancellationReason)_reason;
        if (reason == TaskCancellationReason.LeaseLost)
        {
            await FinishAsync(new Decision(DecisionKind.Discard, "lease lost"));
            return;
        }

        var decision = OutcomePolicy.Decide(done.Error, reason);
        if (decision.Kind == DecisionKind.Complete && _runtime.Settings.ValidateOutput && _runtime.Schemas is { } schemas
            && await CheckSchemaAsync(schemas, Schemas.SchemaPart.Output, _output) is { } refused)
        {
            _output = null;
            decision = refused;
        }

        await FinishAsync(decision);
    }

    private Task AbandonAsync()
    {
        if (_finished)
        {
            return System.Threading.Tasks.Task.CompletedTask;
        }

        _logger.LogWarning("Task {TaskId} ({TaskType}) ignored cancellation past its timeout + grace; abandoning the execution", Task.Id, Task.TaskType);
        Interlocked.CompareExchange(ref _reason, (int)TaskCancellationReason.Timeout, (int)TaskCancellationReason.None);
        var decision = _reason == (int)TaskCancellationReason.LeaseLost
            ? new Decision(DecisionKind.Discard, "lease lost")
            : OutcomePolicy.ForCancellation((TaskCancellationReason)_reason);
        return FinishAsync(decision);
    }
}
