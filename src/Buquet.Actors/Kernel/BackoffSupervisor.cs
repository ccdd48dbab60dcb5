namespace Buquet.Actors.Kernel;

/// <summary>
/// A parent that (re)creates one child with exponential backoff (Akka's BackoffSupervisor). Other messages are
/// forwarded to the current child, or go to dead letters while it is down.
/// </summary>
public sealed class BackoffSupervisor : ReceiveActor
{
    private const string StartChildKey = "backoff-start-child";
    private const string ResetKey = "backoff-auto-reset";
    private readonly BackoffOptions _options;
    private readonly Func<double> _random;
    private IActorRef? _child;
    private bool _childFailed;
    private int _restartCount;

    private BackoffSupervisor(BackoffOptions options)
    {
        _options = options;
        _random = options.Random ?? Context.System.Random;
        Receive<Terminated>(OnTerminated);
        Receive<StartChild>(_ => StartChildNow());
        Receive<ResetCount>(r =>
        {
            if (r.Generation == _restartCount)
            {
                _restartCount = 0;
            }
        });
        Receive<Reset>(_ => _restartCount = 0);
        Receive<GetCurrentChild>(_ => Sender?.Tell(new CurrentChild(_child)));
        Receive<GetRestartCount>(_ => Sender?.Tell(new RestartCount(_restartCount)));
        ReceiveAny(message =>
        {
            if (_child is not null)
            {
                _child.Tell(message, Sender);
            }
            else
            {
                Context.System.DeadLetters.Tell(new DeadLetter(message, Sender, Self, Unhandled: false));
            }
        });
    }

    /// <summary>Resets the backoff (manual reset); typically sent by the child once it is healthy.</summary>
    public sealed class Reset
    {
        /// <summary>The single instance.</summary>
        public static readonly Reset Instance = new();

        private Reset()
        {
        }
    }

    /// <summary>Asks for the current child; answered with <see cref="CurrentChild"/>.</summary>
    public sealed class GetCurrentChild
    {
        /// <summary>The single instance.</summary>
        public static readonly GetCurrentChild Instance = new();

        private GetCurrentChild()
        {
        }
    }

    /// <summary>Asks for the restart count; answered with <see cref="RestartCount"/>.</summary>
    public sealed class GetRestartCount
    {
        /// <summary>The single instance.</summary>
        public static readonly GetRestartCount Instance = new();

        private GetRestartCount()
        {
        }
    }

    /// <summary>The current child, or null while it is down.</summary>
    /// <param name="Ref">The child.</param>
    public sealed record CurrentChild(IActorRef? Ref);

    /// <summary>Restarts since the last reset.</summary>
    /// <param name="Count">The count.</param>
    public sealed record RestartCount(int Count);

    /// <summary>Props for a backoff supervisor.</summary>
    /// <param name="options">The settings (see <see cref="Backoff"/>).</param>
    /// <returns>The props.</returns>
    public static Props Props(BackoffOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Kernel.Props.Create(() => new BackoffSupervisor(options));
    }

    /// <inheritdoc />
    protected override void PreStart() => StartChildNow();

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => _options.Mode == BackoffMode.OnFailure
        ? new OneForOneStrategy(ex =>
        {
            _childFailed = true;
            return Directive.Stop;
        })
        : Kernel.SupervisorStrategy.Default;

    private void StartChildNow()
    {
        if (_child is not null)
        {
            return;
        }

        _childFailed = false;
        _child = Context.ActorOf(_options.ChildProps, _options.ChildName);
        Context.Watch(_child);
        if (_options.AutoReset is { } reset)
        {
            Timers.StartSingleTimer(ResetKey, new ResetCount(_restartCount), reset);
        }
    }

    private void OnTerminated(Terminated terminated)
    {
        if (!ReferenceEquals(terminated.ActorRef, _child))
        {
            return;
        }

        _child = null;
        Timers.Cancel(ResetKey);
        if (_options.Mode == BackoffMode.OnFailure && !_childFailed)
        {
            Context.Stop(Self); // the child stopped by itself: so does the supervisor (Akka's OnFailure)
            return;
        }

        var delay = _options.DelayFor(_restartCount, _random());
        _restartCount++;
        Timers.StartSingleTimer(StartChildKey, StartChild.Instance, delay);
    }

    private sealed class StartChild
    {
        public static readonly StartChild Instance = new();
    }

    private sealed record ResetCount(int Generation);
}
