using Akka.Actor;
using Settings = Buquet.Actors.Worker.Memory.IdleMemoryTrim.Settings;
using Buquet.Actors.Runtime;
using static Buquet.Actors.Worker.Memory.IdleMemoryTrim;

namespace Buquet.Actors.Worker.Memory;

/// <summary>
/// Watches the worker's <see cref="WorkerActivity"/>: when it turns idle, starts a settle timer; when it turns active,
/// cancels it. When the timer fires the worker has been idle throughout, and the trim runs once. Invariant: at most
/// one trim per idle period, and none while the worker is active.
/// </summary>
internal sealed class IdleMemoryTrimActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    private const string SettleTimer = "settle";

    // Immutable after construction.
    private readonly IActorRef _activity;
    private readonly Settings _settings;
    private readonly Action _trim;
    private readonly IActorRef? _listener;

    // Actor-confined.
    private bool _idle;
    private int _trims;

    public IdleMemoryTrimActor(IActorRef activity, Settings settings, Action trim, IActorRef? listener)
    {
        _activity = activity;
        _settings = settings;
        _trim = trim;
        _listener = listener;
        Receive<WorkerActivity.Changed>(OnChanged);
        Receive<Settled>(_ => OnSettled());
    }

    protected override void PreStart() => _activity.Tell(new WorkerActivity.Subscribe(Self));

    private void OnChanged(WorkerActivity.Changed changed)
    {
        if (changed.Idle == _idle)
        {
            return; // a fleet-size change only
        }

        _idle = changed.Idle;
        if (_idle)
        {
            Timers.StartSingleTimer(SettleTimer, Settled.Instance, _settings.SettleDelay);
        }
        else
        {
            Timers.Cancel(SettleTimer);
        }
    }

    private void OnSettled()
    {
        if (!_idle)
        {
            return;
        }

        _trim();
        _trims++;
        _listener?.Tell(new Trimmed(_trims), Self);
    }
}
