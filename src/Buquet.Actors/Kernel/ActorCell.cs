using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Kernel;

/// <summary>
/// The runtime of one actor: its reference, mailbox, run loop and context. The mailbox is a single-reader
/// unbounded channel for user messages plus a lock-free stack for system messages, drained first. The cell is
/// its own thread-pool work item: at most one thread runs it at a time (guarded by <see cref="_scheduled"/>).
/// </summary>
internal sealed partial class ActorCell : IActorRef, IActorContext, IThreadPoolWorkItem
{
    [ThreadStatic]
    internal static ActorCell? Creating;

    [ThreadStatic]
    internal static ActorCell? Current;

    private static readonly UnboundedChannelOptions MailboxOptions = new()
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    };

    private readonly ChannelReader<Envelope> _reader;
    private readonly ChannelWriter<Envelope> _writer;
    private SystemMessage? _systemHead;
    private int _scheduled;
    private ReceiveActor? _actor;
    private Envelope _current;
    private bool _suspended;
    private bool _terminating;
    private volatile bool _dead;
    private Task? _pending;
    private Action? _onPendingCompleted;

    internal ActorCell(ActorSystem system, ActorCell? parent, Props props, ActorPath path)
    {
        SystemImpl = system;
        ParentCell = parent;
        Props = props;
        Path = path;
        var channel = Channel.CreateUnbounded<Envelope>(MailboxOptions);
        _reader = channel.Reader;
        _writer = channel.Writer;
    }

    public ActorPath Path { get; }

    internal ActorSystem SystemImpl { get; }

    internal ActorCell? ParentCell { get; }

    internal Props Props { get; }

    /// <summary>Restart statistics, owned by the parent's thread.</summary>
    internal int RestartCount { get; set; }

    internal long RestartWindowStart { get; set; }

    internal IActorRef? CurrentSender => _current.Sender;

    internal bool IsDead => _dead;

    /// <summary>How many times the run loop was entered (fairness diagnostics).</summary>
    internal int Runs { get; private set; }

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_dead || !_writer.TryWrite(new Envelope(message, sender)))
        {
            SystemImpl.PublishDeadLetter(new DeadLetter(message, sender, this, Unhandled: false));
            return;
        }

        if (Volatile.Read(ref _scheduled) == 0)
        {
            TrySchedule();
        }
    }

    internal void SendSystem(SystemMessage message)
    {
        SystemMessage? head;
        do
        {
            head = Volatile.Read(ref _systemHead);
            message.Next = head;
        }
        while (Interlocked.CompareExchange(ref _systemHead, message, head) != head);

        if (_dead)
        {
            DrainSystemWhenDead();
            return;
        }

        TrySchedule();
    }

    public override string ToString() => Path.ToString();

    void IThreadPoolWorkItem.Execute()
    {
        Runs++;
        if (_pending is { } finished)
        {
            _pending = null;
            if (finished.IsFaulted || finished.IsCanceled)
            {
                Fail(finished.Exception?.InnerException ?? new TaskCanceledException(finished));
            }
            else
            {
                AfterMessage();
            }
        }

        var throughput = SystemImpl.Throughput;
        for (var processed = 0; ;)
        {
            if (Volatile.Read(ref _systemHead) is not null)
            {
                ProcessSystemMessages();
            }

            if (_dead || _suspended || _terminating || _actor is null || processed >= throughput)
            {
                break;
            }

            if (!_reader.TryRead(out var envelope))
            {
                break;
            }

            processed++;
            if (Invoke(envelope))
            {
                return; // an async handler holds the mailbox; its continuation re-queues this cell
            }
        }

        Volatile.Write(ref _scheduled, 0);
        if (HasWork())
        {
            TrySchedule();
        }
    }

    private void TrySchedule()
    {
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    private bool HasWork() => !_dead && (Volatile.Read(ref _systemHead) is not null
        || (!_suspended && !_terminating && _actor is not null && _reader.TryPeek(out _)));

    /// <summary>Runs one user message. Returns true when an async handler is still running.</summary>
    private bool Invoke(Envelope envelope)
    {
        _current = envelope;
        var message = envelope.Message;
        try
        {
            Current = this;
            if (!AutoReceive(ref message))
            {
                return false;
            }

            _actor!.TryHandle(message, out var pending);
            if (pending is not null)
            {
                if (!pending.IsCompleted)
                {
                    _pending = pending;
                    _onPendingCompleted ??= OnPendingCompleted;
                    pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onPendingCompleted);
                    return true;
                }

                if (pending.IsFaulted || pending.IsCanceled)
                {
                    ExceptionDispatchInfo.Throw(pending.Exception?.InnerException ?? new TaskCanceledException(pending));
                }
            }

            AfterMessage();
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            Current = null;
        }

        return false;
    }

    private void OnPendingCompleted() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    /// <summary>Handles kernel-level messages. Returns false when the message was consumed here.</summary>
    private bool AutoReceive(ref object message)
    {
        switch (message)
        {
            case TimerTick tick:
                if (_timers is null || !_timers.TryConsume(tick))
                {
                    return false;
                }

                message = tick.Message;
                return true;
            case ReceiveTimeoutTick rt:
                if (_receiveTimeout is null || rt.Generation != Volatile.Read(ref _receiveTimeoutGeneration))
                {
                    return false;
                }

                message = ReceiveTimeout.Instance;
                return true;
            case DeathNotice notice:
                if (_watching is null || !_watching.Remove(notice.Terminated.ActorRef))
                {
                    return false; // unwatched in the meantime
                }

                message = notice.Terminated;
                return true;
            case PoisonPill:
                BeginTerminate();
                return false;
            case Kill:
                throw new ActorKilledException($"Kill received by {Path}.");
            default:
                return true;
        }
    }

    /// <summary>Suspends this actor and reports the failure to the parent (or the system, for the guardian).</summary>
    private void Fail(Exception cause)
    {
        _suspended = true;
        SystemImpl.Logger.LogError(cause, "Actor {Path} failed while processing {MessageType}", Path, _current.Message?.GetType().Name);
        if (ParentCell is null)
        {
            SystemImpl.OnGuardianFailed(cause);
            return;
        }

        ParentCell.SendSystem(new FailedMsg(this, cause));
    }

    internal void PublishUnhandled(object message) =>
        SystemImpl.PublishDeadLetter(new DeadLetter(message, _current.Sender, this, Unhandled: true));

    private ReceiveActor NewInstance()
    {
        var previous = Creating;
        Creating = this;
        try
        {
            return Props.Factory();
        }
        finally
        {
            Creating = previous;
        }
    }

    private sealed class DeathNotice(Terminated terminated)
    {
        public Terminated Terminated { get; } = terminated;
    }
}
