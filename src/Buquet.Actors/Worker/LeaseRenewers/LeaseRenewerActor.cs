using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.LeaseRenewers;

/// <summary>
/// Keeps one claimed task's lease alive while its executor runs; the lease rules are in README.md. Reports every
/// renewal (new ETag, trust deadline) to the executor, and tells it to cancel when the lease is lost, the trust
/// window ends without a successful renewal, or someone requested cancellation.
/// </summary>
internal sealed class LeaseRenewerActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    private const string RenewKey = "renew";

    // Immutable after construction.
    private readonly WorkerRuntime _runtime;
    private readonly IActorRef _executor;
    private readonly TimeSpan _leaseLength;
    private readonly TimeSpan? _renewEvery;
    private readonly ILogger _logger;

    // Actor-confined.
    private TaskSnapshot _held;
    private DateTimeOffset _trustedUntil;
    private bool _lost;
    private bool _cancelNotified;

    public LeaseRenewerActor(WorkerRuntime runtime, TaskSnapshot claimed, DateTimeOffset claimedAt, IActorRef executor)
    {
        _runtime = runtime;
        _executor = executor;
        _held = claimed;
        var expiry = claimed.Task.LeaseExpiresAt ?? claimedAt;
        var claimLease = expiry - claimedAt;
        _leaseLength = TrustWindow.LeaseLength(Math.Max(1, (long)claimLease.TotalSeconds), runtime.Settings.LeaseTtl);
        _renewEvery = TrustWindow.RenewEvery(_leaseLength, runtime.Settings.LeaseRenewFraction);
        _trustedUntil = TrustWindow.TrustedUntil(expiry, _leaseLength);
        _logger = runtime.LoggerFactory.CreateLogger<LeaseRenewerActor>();
        ReceiveAsync<LeaseRenewer.RenewTick>(_ => RenewAsync(null));
        ReceiveAsync<LeaseRenewer.ExtendLease>(m => RenewAsync(m));
    }

    protected override void PreStart()
    {
        if (_renewEvery is { } every)
        {
            Timers.StartSingleTimer(RenewKey, LeaseRenewer.RenewTick.Instance, every);
        }
    }

    private async Task RenewAsync(LeaseRenewer.ExtendLease? explicitExtension)
    {
        var replyTo = Sender;
        if (_lost)
        {
            replyTo.Tell(new LeaseRenewer.ExtendLeaseResult(null));
            return;
        }

        DateTimeOffset now;
        TransitionOutcome? outcome = null;
        try
        {
            now = await _runtime.Clock.NowAsync();
            var current = _held.Task.LeaseExpiresAt ?? now;
            var extra = explicitExtension?.Extra ?? (now + _leaseLength - current);
            if (extra > TimeSpan.Zero)
            {
                outcome = await _runtime.Repository.ExtendLeaseAsync(_held, extra);
            }
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Lease renewal of task {TaskId} failed; retrying", _held.Task.Id);
            await CheckTrustAsync();
            ScheduleNext(retrySoon: true);
            replyTo.Tell(new LeaseRenewer.ExtendLeaseResult(null));
            return;
        }

        if (outcome is null)
        {
            ScheduleNext(retrySoon: false);
            replyTo.Tell(new LeaseRenewer.ExtendLeaseResult(_held.Task.LeaseExpiresAt));
            return;
        }

        switch (outcome.Status)
        {
            case CasStatus.Written or CasStatus.Unchanged when outcome.Snapshot is { } fresh:
                _held = fresh;
                _trustedUntil = TrustWindow.TrustedUntil(fresh.Task.LeaseExpiresAt ?? now, _leaseLength);
                _executor.Tell(new LeaseRenewer.LeaseRenewed(fresh, _trustedUntil, now, explicitExtension is not null));
                if (fresh.Task.CancelRequested && !_cancelNotified)
                {
                    _cancelNotified = true;
                    _executor.Tell(LeaseRenewer.CancelRequested.Instance);
                }

                ScheduleNext(retrySoon: false);
                replyTo.Tell(new LeaseRenewer.ExtendLeaseResult(fresh.Task.LeaseExpiresAt));
                break;
            case CasStatus.Conflict:
                await CheckTrustAsync();
                ScheduleNext(retrySoon: true);
                replyTo.Tell(new LeaseRenewer.ExtendLeaseResult(null));
                break;
            default:
                Lose($"lease of task {_held.Task.Id} lost: {outcome.Status} {outcome.Refusal} {outcome.Message}");
                replyTo.Tell(new LeaseRenewer.ExtendLeaseResult(null));
                break;
        }
    }

    private async Task CheckTrustAsync()
    {
        DateTimeOffset now;
        try
        {
            now = await _runtime.Clock.NowAsync();
        }
        catch (ObjectStoreUnavailableException)
        {
            return; // the executor checks trust again before committing
        }

        if (now >= _trustedUntil)
        {
            Lose($"trust window of task {_held.Task.Id} ended at {_trustedUntil:O} without a successful renewal");
        }
    }

    private void Lose(string reason)
    {
        if (_lost)
        {
            return;
        }

        _lost = true;
        Timers.CancelAll();
        _logger.LogWarning("Lease lost: {Reason}", reason);
        _executor.Tell(new LeaseRenewer.LeaseLost(reason));
    }

    private void ScheduleNext(bool retrySoon)
    {
        if (_lost || _renewEvery is not { } every)
        {
            return;
        }

        var delay = retrySoon ? Min(every / 4, _runtime.Settings.UnavailableBackoff) : every;
        Timers.StartSingleTimer(RenewKey, LeaseRenewer.RenewTick.Instance, delay);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
