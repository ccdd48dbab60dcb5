using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Kernel;

/// <summary>System lane: creation, supervision directives, restart, termination and DeathWatch.</summary>
internal sealed partial class ActorCell
{
    private HashSet<IActorRef>? _watching;
    private HashSet<IActorRef>? _watchedBy;

    private static SystemMessage? Reverse(SystemMessage? head)
    {
        SystemMessage? reversed = null;
        while (head is not null)
        {
            var next = head.Next;
            head.Next = reversed;
            reversed = head;
            head = next;
        }

        return reversed;
    }

    private void ProcessSystemMessages()
    {
        var message = Reverse(Interlocked.Exchange(ref _systemHead, null));
        while (message is not null)
        {
            var next = message.Next;
            message.Next = null;
            if (_dead)
            {
                HandleWhenDead(message);
            }
            else
            {
                HandleSystem(message);
            }

            message = next;
        }
    }

    private void HandleSystem(SystemMessage message)
    {
        switch (message)
        {
            case CreateMsg:
                Create();
                break;
            case FailedMsg failed:
                HandleChildFailure(failed.Child, failed.Cause);
                break;
            case ResumeMsg:
                _suspended = false;
                break;
            case RestartMsg restart:
                Restart(restart.Cause);
                break;
            case TerminateMsg:
                BeginTerminate();
                break;
            case WatchMsg watch:
                (_watchedBy ??= new HashSet<IActorRef>(ReferenceEqualityComparer.Instance)).Add(watch.Watcher);
                break;
            case UnwatchMsg unwatch:
                _watchedBy?.Remove(unwatch.Watcher);
                break;
            case DeathWatchNotification death:
                HandleDeath(death.Actor);
                break;
        }
    }

    private void Create()
    {
        try
        {
            _actor = NewInstance();
            _actor.InvokePreStart();
        }
        catch (Exception ex)
        {
            Fail(new ActorInitializationException($"Actor {Path} ({Props.ActorType.Name}) failed to start: {ex.Message}", ex));
        }
    }

    /// <summary>Akka's restart: PreRestart on the old instance, new instance from Props, PostRestart; mailbox kept.</summary>
    private void Restart(Exception cause)
    {
        if (_terminating)
        {
            return;
        }

        _timers?.CancelAll();
        SetReceiveTimeout(null);
        var failed = _actor;
        _actor = null;
        if (failed is not null)
        {
            try
            {
                failed.InvokePreRestart(cause, _current.Message);
            }
            catch (Exception ex)
            {
                SystemImpl.Logger.LogError(ex, "PreRestart of {Path} failed", Path);
            }
        }

        try
        {
            _actor = NewInstance();
            _actor.InvokePostRestart(cause);
            _suspended = false;
        }
        catch (Exception ex)
        {
            Fail(new ActorInitializationException($"Actor {Path} ({Props.ActorType.Name}) failed to restart: {ex.Message}", ex));
        }
    }

    private void HandleChildFailure(ActorCell child, Exception cause)
    {
        if (!IsNamedChild(child))
        {
            return; // already stopping or not ours
        }

        var strategy = Props.SupervisorStrategy ?? _actor?.InvokeSupervisorStrategy() ?? SupervisorStrategy.Default;
        Directive directive;
        try
        {
            directive = strategy.Decider(cause);
        }
        catch (Exception ex)
        {
            SystemImpl.Logger.LogError(ex, "Decider of {Path} threw; escalating", Path);
            directive = Directive.Escalate;
        }

        SystemImpl.Logger.LogDebug("Supervisor {Path} applies {Directive} to {Child}", Path, directive, child.Path);
        switch (directive)
        {
            case Directive.Resume:
                child.SendSystem(new ResumeMsg());
                break;
            case Directive.Restart:
                var clock = SystemImpl.TimeProvider;
                if (!strategy.RequestRestartPermission(child, clock.GetTimestamp(), clock))
                {
                    SystemImpl.Logger.LogWarning("Child {Child} exceeded {Max} restarts; stopping it", child.Path, strategy.MaxNrOfRetries);
                    StopTargets(child, strategy.AppliesToAllChildren);
                    break;
                }

                foreach (var target in Targets(child, strategy.AppliesToAllChildren))
                {
                    target.SendSystem(new RestartMsg(cause));
                }

                break;
            case Directive.Stop:
                StopTargets(child, strategy.AppliesToAllChildren);
                break;
            default:
                Fail(cause);
                break;
        }
    }

    private void StopTargets(ActorCell child, bool all)
    {
        foreach (var target in Targets(child, all))
        {
            StopChild(target);
        }
    }

    private IEnumerable<ActorCell> Targets(ActorCell child, bool all) => all ? SnapshotChildren() : [child];

    private void BeginTerminate()
    {
        if (_terminating)
        {
            return;
        }

        _terminating = true;
        _timers?.CancelAll();
        SetReceiveTimeout(null);
        foreach (var child in SnapshotChildren())
        {
            StopChild(child);
        }

        if (ChildCount() == 0)
        {
            FinishTerminate();
        }
    }

    private void HandleDeath(ActorCell actor)
    {
        RemoveChild(actor);
        if (!_terminating && _watching is not null && _watching.Contains(actor))
        {
            _writer.TryWrite(new Envelope(new DeathNotice(new Terminated(actor)), actor));
        }

        if (_terminating && ChildCount() == 0)
        {
            FinishTerminate();
        }
    }

    private void FinishTerminate()
    {
        if (_actor is { } actor)
        {
            try
            {
                actor.InvokePostStop();
            }
            catch (Exception ex)
            {
                SystemImpl.Logger.LogError(ex, "PostStop of {Path} failed", Path);
            }
        }

        _actor = null;
        _dead = true;
        _writer.TryComplete();
        while (_reader.TryRead(out var envelope))
        {
            if (envelope.Message is not (TimerTick or ReceiveTimeoutTick or DeathNotice))
            {
                SystemImpl.PublishDeadLetter(new DeadLetter(envelope.Message, envelope.Sender, this, Unhandled: false));
            }
        }

        if (_watching is not null)
        {
            foreach (var watched in _watching)
            {
                (watched as ActorCell)?.SendSystem(new UnwatchMsg(this));
            }
        }

        if (_watchedBy is not null)
        {
            foreach (var watcher in _watchedBy)
            {
                NotifyWatcher(watcher);
            }
        }

        if (ParentCell is not null && _watchedBy?.Contains(ParentCell) != true)
        {
            ParentCell.SendSystem(new DeathWatchNotification(this));
        }

        _watching = null;
        _watchedBy = null;
        SystemImpl.OnActorStopped(this);
        DrainSystemWhenDead();
    }

    private void NotifyWatcher(IActorRef watcher)
    {
        if (watcher is ActorCell cell)
        {
            cell.SendSystem(new DeathWatchNotification(this));
        }
        else
        {
            watcher.Tell(new Terminated(this), this);
        }
    }

    /// <summary>System messages reaching a dead cell: watchers learn of the death at once; the rest is dropped.</summary>
    private void DrainSystemWhenDead()
    {
        var message = Reverse(Interlocked.Exchange(ref _systemHead, null));
        while (message is not null)
        {
            var next = message.Next;
            message.Next = null;
            HandleWhenDead(message);
            message = next;
        }
    }

    private void HandleWhenDead(SystemMessage message)
    {
        if (message is WatchMsg watch)
        {
            NotifyWatcher(watch.Watcher);
        }
    }
}
