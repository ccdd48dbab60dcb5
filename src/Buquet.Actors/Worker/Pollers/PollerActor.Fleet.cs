using Buquet.Actors.Diagnostics;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Pollers;

/// <summary>
/// The wake-up hint in a clustered fleet (ADR 0027). A member that touches the hint announces the touch's ETag; its ready
/// keys went to one worker of each handler group, which claimed them without a LIST. So a HEAD that sees an announced
/// ETag does not wake the whole fleet: an idle poller looks once (a poll of every shard; a non-member may have written
/// just before the member) and stays idle, draining what it finds, and an active one keeps its cadence. A move to an
/// ETag nobody announced within <see cref="FleetHintSettle"/> (an announcement can trail the HEAD that saw its touch)
/// was a non-member's (the CLI, a Rust or Python peer): the poller wakes as before and relays the ETag, so the other
/// members poll at once instead of at their next hint check; a relayed ETag is never relayed again, and a poller that
/// was woken by the relay does not wake again when its own HEAD sees it. Without the cluster nothing is announced and
/// every move wakes the poller at once, as in ADR 0008.
/// </summary>
internal sealed partial class PollerActor
{
    /// <summary>ETags remembered (announced or relayed): a few minutes of touches at one a second per producer.</summary>
    internal const int FleetHintMemory = 256;

    /// <summary>How long an unannounced move waits for its announcement before it counts as a non-member's.</summary>
    internal static readonly TimeSpan FleetHintSettle = TimeSpan.FromMilliseconds(100);

    // Actor-confined.
    private bool _looking; // an idle look at an announced move: work it finds is drained without leaving idle
    private readonly Dictionary<string, bool> _fleetHints = new(StringComparer.Ordinal); // ETag → relayed
    private readonly Queue<string> _fleetHintOrder = new();

    /// <summary>Hint moves a member announced (looked at once while idle instead of waking).</summary>
    internal int MemberHintMoves { get; private set; }

    /// <summary>Hint moves this poller saw first and relayed to the fleet.</summary>
    internal int Relays { get; private set; }

    /// <summary>Hint moves relayed by another worker that woke this poller.</summary>
    internal int RelayWakeUps { get; private set; }

    private void OnMemberHint(Poller.MemberHint hint, bool awaitingBatch)
    {
        var etag = ETags.Unquote(hint.ETag);
        var wasRelayed = _fleetHints.TryGetValue(etag, out var relayed) && relayed;
        Remember(etag, hint.Relayed || wasRelayed);
        if (hint.Relayed && !wasRelayed) // a relay this poller made or took already woke it
        {
            RelayWakeUps++;
            BuquetTelemetry.PollerWokenUp("relay");
            _wakePath = PickupPath.Push;
            _logger.LogDebug("Wake-up hint move relayed by a cluster member (idle: {Idle}); polling now", _idle);
            WakeNow(awaitingBatch);
        }
    }

    /// <summary>This poller's HEAD saw the hint move to <paramref name="etag"/> (null: the hint is gone).</summary>
    private void OnHintMoved(string? etag, bool awaitingBatch)
    {
        if (etag is not null && _runtime.Repository.Signals is not null)
        {
            etag = ETags.Unquote(etag);
            if (_fleetHints.ContainsKey(etag))
            {
                OnHintSettled(etag, awaitingBatch);
            }
            else
            {
                Timers.StartSingleTimer("hint-settle:" + etag, new Poller.HintSettled(etag), FleetHintSettle);
            }

            return;
        }

        OnHintMoved(awaitingBatch);
    }

    /// <summary>A move this poller saw, announced, relayed or neither by now.</summary>
    private void OnHintSettled(string etag, bool awaitingBatch)
    {
        if (_fleetHints.TryGetValue(etag, out var relayed))
        {
            if (!relayed)
            {
                MemberHintMoves++;
                LookOnce(awaitingBatch);
            }

            return; // relayed: the relay woke this poller already
        }

        OnHintMoved(awaitingBatch);
        Remember(etag, relayed: true);
        Relays++;
        _runtime.Repository.Signals?.HintRelayed(etag);
    }

    /// <summary>An announced move: one poll of every shard while idle (what it finds is drained without leaving idle); nothing while active.</summary>
    private void LookOnce(bool awaitingBatch)
    {
        if (!_idle)
        {
            return;
        }

        _wakePath = PickupPath.Hint;
        _looking = true;
        if (awaitingBatch)
        {
            _pollAfterBatch = true;
        }
        else if (_free > 0)
        {
            Schedule(TimeSpan.Zero);
        }
    }

    private void Remember(string etag, bool relayed)
    {
        if (_fleetHints.TryAdd(etag, relayed))
        {
            _fleetHintOrder.Enqueue(etag);
            if (_fleetHintOrder.Count > FleetHintMemory)
            {
                _fleetHints.Remove(_fleetHintOrder.Dequeue());
            }
        }
        else
        {
            _fleetHints[etag] = relayed;
        }
    }
}
