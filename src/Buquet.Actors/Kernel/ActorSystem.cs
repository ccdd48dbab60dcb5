using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Kernel;

/// <summary>
/// A tree of actors under the user guardian (<c>/user</c>), with dead letters, an event stream and coordinated
/// shutdown. Create with <see cref="Create"/>; stop with <see cref="CoordinatedShutdown"/> or <see cref="Terminate"/>.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _guardian;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception> _fatal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _liveActors;
    private int _activeTimers;
    private long _deadLetters;

    private ActorSystem(string name, ActorSystemOptions options)
    {
        Name = name;
        Options = options;
        TimeProvider = options.TimeProvider;
        Random = options.Random;
        Throughput = options.Throughput;
        Logger = options.LoggerFactory.CreateLogger("Buquet.Actors.Kernel.ActorSystem");
        var root = new ActorPath(name, null, string.Empty);
        DeadLetters = new DeadLetterRef(this, new ActorPath(name, root, "deadLetters"));
        _guardian = new ActorCell(this, null, Props.Create(static () => new GuardianActor()).WithSupervisorStrategy(options.GuardianStrategy), new ActorPath(name, root, "user"));
        _guardian.SendSystem(new CreateMsg());
        CoordinatedShutdown = new CoordinatedShutdown(this, options.ShutdownPhases ?? CoordinatedShutdown.DefaultPhases);
    }

    /// <summary>The system name (first element of every path).</summary>
    public string Name { get; }

    /// <summary>The options it was created with.</summary>
    public ActorSystemOptions Options { get; }

    /// <summary>The clock used for all kernel timing.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Uniform random numbers in [0, 1) (backoff jitter).</summary>
    public Func<double> Random { get; }

    /// <summary>Where undeliverable messages go; they are logged, counted and published as <see cref="DeadLetter"/>.</summary>
    public IActorRef DeadLetters { get; }

    /// <summary>The system event stream.</summary>
    public EventStream EventStream { get; } = new();

    /// <summary>Phased graceful shutdown; running it terminates the system last.</summary>
    public CoordinatedShutdown CoordinatedShutdown { get; }

    /// <summary>Dead letters so far (undeliverable and unhandled).</summary>
    public long DeadLetterCount => Interlocked.Read(ref _deadLetters);

    /// <summary>Completes when the user guardian and all actors have stopped.</summary>
    public Task WhenTerminated => _terminated.Task;

    /// <summary>Completes with the cause when a failure escalated past the user guardian (never completes otherwise).</summary>
    public Task<Exception> WhenFatal => _fatal.Task;

    internal int Throughput { get; }

    internal ILogger Logger { get; }

    internal int LiveActorCount => Volatile.Read(ref _liveActors);

    internal int ActiveTimerCount => Volatile.Read(ref _activeTimers);

    /// <summary>Creates and starts an actor system.</summary>
    /// <param name="name">The system name (letters, digits, '-', '_').</param>
    /// <param name="options">Options; null for defaults.</param>
    /// <returns>The running system.</returns>
    public static ActorSystem Create(string name, ActorSystemOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"Invalid actor system name '{name}': use letters, digits, '-' and '_'.", nameof(name));
        }

        options ??= new ActorSystemOptions();
        if (options.Throughput < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Throughput, "Throughput must be >= 1.");
        }

        return new ActorSystem(name, options);
    }

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    /// <param name="props">The recipe.</param>
    /// <param name="name">A unique name, or null for a generated one.</param>
    /// <returns>The actor's reference.</returns>
    public IActorRef ActorOf(Props props, string? name = null) => _guardian.ActorOf(props, name);

    /// <summary>Finds a live actor by path: <c>/user/a/b</c>, <c>a/b</c> (relative to /user) or a full <c>buquet://</c> path.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The actor, or null when none lives there.</returns>
    public IActorRef? Lookup(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var prefix = "buquet://" + Name;
        if (path.StartsWith(prefix, StringComparison.Ordinal))
        {
            path = path[prefix.Length..];
        }

        if (path.StartsWith("/user", StringComparison.Ordinal))
        {
            path = path["/user".Length..];
        }

        IActorRef? current = _guardian;
        foreach (var element in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = (current as ActorCell)?.ResolveChild(element);
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>Stops an actor asynchronously (after the message it is processing).</summary>
    /// <param name="actor">The actor.</param>
    public void Stop(IActorRef actor) => _guardian.Stop(actor);

    /// <summary>Stops all actors (children before parents) and completes <see cref="WhenTerminated"/>. Idempotent.</summary>
    /// <returns><see cref="WhenTerminated"/>.</returns>
    public Task Terminate()
    {
        _guardian.SendSystem(new TerminateMsg());
        return WhenTerminated;
    }

    /// <summary>Runs the coordinated shutdown (which terminates the system).</summary>
    /// <returns>A task completing when the system is terminated.</returns>
    public async ValueTask DisposeAsync()
    {
        await CoordinatedShutdown.RunAsync("dispose").ConfigureAwait(false);
    }

    internal void OnActorCreated() => Interlocked.Increment(ref _liveActors);

    internal void OnTimerStarted() => Interlocked.Increment(ref _activeTimers);

    internal void OnTimerStopped() => Interlocked.Decrement(ref _activeTimers);

    internal void OnActorStopped(ActorCell cell)
    {
        if (cell.ParentCell is not null)
        {
            Interlocked.Decrement(ref _liveActors);
            return;
        }

        Logger.LogInformation("Actor system {Name} terminated", Name);
        _terminated.TrySetResult();
    }

    internal void OnGuardianFailed(Exception cause)
    {
        Logger.LogCritical(cause, "Failure escalated to the user guardian of {Name}; the actor system is terminating", Name);
        if (_fatal.TrySetResult(cause))
        {
            EventStream.Publish(new ActorSystemFatal(cause));
        }

        _guardian.SendSystem(new TerminateMsg());
    }

    internal void PublishDeadLetter(DeadLetter letter)
    {
        if (letter.Message is TimerTick or ReceiveTimeoutTick)
        {
            return;
        }

        Interlocked.Increment(ref _deadLetters);
        Logger.LogInformation(
            "Dead letter: {MessageType} from {Sender} to {Recipient} ({Reason})",
            letter.Message.GetType().Name,
            letter.Sender?.Path.ToString() ?? "no sender",
            letter.Recipient.Path,
            letter.Unhandled ? "unhandled" : "recipient stopped");
        EventStream.Publish(letter);
    }

    private sealed class GuardianActor : ReceiveActor;

    private sealed class DeadLetterRef(ActorSystem system, ActorPath path) : IActorRef
    {
        public ActorPath Path { get; } = path;

        public void Tell(object message, IActorRef? sender = null)
        {
            ArgumentNullException.ThrowIfNull(message);
            system.PublishDeadLetter(message as DeadLetter ?? new DeadLetter(message, sender, this, Unhandled: false));
        }
    }
}
