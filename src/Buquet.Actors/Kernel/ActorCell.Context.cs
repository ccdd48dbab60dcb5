using System.Globalization;

namespace Buquet.Actors.Kernel;

/// <summary>The <see cref="IActorContext"/> side of the cell: children, watch, timers, receive timeout.</summary>
internal sealed partial class ActorCell
{
    private ChildrenContainer? _children;
    private TimerScheduler? _timers;
    private TimeSpan? _receiveTimeout;
    private ITimer? _receiveTimeoutTimer;
    private int _receiveTimeoutGeneration;

    public IActorRef Self => this;

    public IActorRef? Sender => _current.Sender;

    public IActorRef Parent => (IActorRef?)ParentCell ?? this;

    public ActorSystem System => SystemImpl;

    public ITimerScheduler Timers => _timers ??= new TimerScheduler(this);

    public IReadOnlyCollection<IActorRef> Children => SnapshotChildren();

    internal bool HasTimers => _timers is not null && _timers.Count > 0;

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is not null)
        {
            ValidateName(name);
        }

        var container = _children ?? Interlocked.CompareExchange(ref _children, new ChildrenContainer(), null) ?? _children!;
        ActorCell child;
        lock (container)
        {
            if (_dead || _terminating)
            {
                throw new InvalidOperationException($"Cannot create child '{name}' of {Path}: the actor is stopping.");
            }

            name ??= "$" + (++container.Counter).ToString(CultureInfo.InvariantCulture);
            if (container.Named.ContainsKey(name))
            {
                throw new InvalidActorNameException($"Actor name '{name}' is not unique under {Path}.");
            }

            child = new ActorCell(SystemImpl, this, props, new ActorPath(Path.SystemName, Path, name));
            container.Named.Add(name, child);
        }

        SystemImpl.OnActorCreated();
        child.SendSystem(new CreateMsg());
        return child;
    }

    public IActorRef? Child(string name)
    {
        var container = _children;
        if (container is null)
        {
            return null;
        }

        lock (container)
        {
            return container.Named.GetValueOrDefault(name);
        }
    }

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is not ActorCell cell)
        {
            throw new ArgumentException($"Only actors created by an ActorSystem can be stopped; got {actor.Path}.", nameof(actor));
        }

        if (cell.ParentCell == this)
        {
            StopChild(cell);
        }
        else
        {
            cell.SendSystem(new TerminateMsg());
        }
    }

    public void Watch(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is not ActorCell cell)
        {
            throw new ArgumentException($"Only actors created by an ActorSystem can be watched; got {actor.Path}.", nameof(actor));
        }

        if ((_watching ??= new HashSet<IActorRef>(ReferenceEqualityComparer.Instance)).Add(cell))
        {
            cell.SendSystem(new WatchMsg(this));
        }
    }

    public void Unwatch(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (_watching is not null && _watching.Remove(actor) && actor is ActorCell cell)
        {
            cell.SendSystem(new UnwatchMsg(this));
        }
    }

    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, "Receive timeout must be positive (or null to disable).");
        }

        Interlocked.Increment(ref _receiveTimeoutGeneration);
        _receiveTimeout = timeout;
        if (timeout is null)
        {
            _receiveTimeoutTimer?.Dispose();
            _receiveTimeoutTimer = null;
            return;
        }

        if (_receiveTimeoutTimer is null)
        {
            _receiveTimeoutTimer = SystemImpl.TimeProvider.CreateTimer(
                static s => ((ActorCell)s!).OnReceiveTimeoutElapsed(), this, timeout.Value, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _receiveTimeoutTimer.Change(timeout.Value, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>After each processed message: slide the receive timeout.</summary>
    private void AfterMessage()
    {
        if (_receiveTimeoutTimer is not null && _receiveTimeout is { } t)
        {
            Interlocked.Increment(ref _receiveTimeoutGeneration);
            _receiveTimeoutTimer.Change(t, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnReceiveTimeoutElapsed() => Tell(new ReceiveTimeoutTick(Volatile.Read(ref _receiveTimeoutGeneration)));

    internal IActorRef? ResolveChild(string name) => Child(name);

    private static void ValidateName(string name)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.StartsWith('$') || name.Any(char.IsWhiteSpace))
        {
            throw new InvalidActorNameException($"Invalid actor name '{name}': it must be non-empty, without '/' or whitespace, and not start with '$'.");
        }
    }

    private void StopChild(ActorCell child)
    {
        var container = _children;
        if (container is null)
        {
            return;
        }

        lock (container)
        {
            if (container.Named.TryGetValue(child.Path.Name, out var named) && named == child)
            {
                container.Named.Remove(child.Path.Name);
            }

            container.Stopping.Add(child);
        }

        child.SendSystem(new TerminateMsg());
    }

    private void RemoveChild(ActorCell child)
    {
        var container = _children;
        if (container is null)
        {
            return;
        }

        lock (container)
        {
            if (!container.Stopping.Remove(child) && container.Named.TryGetValue(child.Path.Name, out var named) && named == child)
            {
                container.Named.Remove(child.Path.Name);
            }
        }
    }

    private bool IsNamedChild(ActorCell child)
    {
        var container = _children;
        if (container is null)
        {
            return false;
        }

        lock (container)
        {
            return container.Named.TryGetValue(child.Path.Name, out var named) && named == child;
        }
    }

    private List<ActorCell> SnapshotChildren()
    {
        var container = _children;
        if (container is null)
        {
            return [];
        }

        lock (container)
        {
            return [.. container.Named.Values];
        }
    }

    private int ChildCount()
    {
        var container = _children;
        if (container is null)
        {
            return 0;
        }

        lock (container)
        {
            return container.Named.Count + container.Stopping.Count;
        }
    }

    private sealed class ChildrenContainer
    {
        public Dictionary<string, ActorCell> Named { get; } = new(StringComparer.Ordinal);

        public HashSet<ActorCell> Stopping { get; } = new(ReferenceEqualityComparer.Instance);

        public int Counter { get; set; }
    }
}
