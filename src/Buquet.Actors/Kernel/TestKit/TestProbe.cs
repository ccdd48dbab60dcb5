using System.Threading.Channels;

namespace Buquet.Actors.Kernel.TestKit;

/// <summary>
/// A message sink for tests: send it messages (or pass it as a sender) and assert on what arrives.
/// Waits use real time as failure guards; drive actor timers with the system's (fake) <see cref="TimeProvider"/>.
/// </summary>
public sealed class TestProbe : IActorRef
{
    private static int _counter;
    private readonly Channel<(object Message, IActorRef? Sender)> _queue = Channel.CreateUnbounded<(object, IActorRef?)>();
    private readonly ActorSystem _system;

    /// <summary>Creates a probe.</summary>
    /// <param name="system">The system whose actors it talks to.</param>
    /// <param name="name">An optional name for paths and messages.</param>
    public TestProbe(ActorSystem system, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        _system = system;
        var root = new ActorPath(system.Name, null, string.Empty);
        Path = new ActorPath(system.Name, new ActorPath(system.Name, root, "temp"), name ?? "probe" + Interlocked.Increment(ref _counter));
    }

    /// <summary>The default real-time guard for expectations.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public ActorPath Path { get; }

    /// <summary>The probe as a reference.</summary>
    public IActorRef Ref => this;

    /// <summary>The sender of the last received message.</summary>
    public IActorRef? LastSender { get; private set; }

    /// <inheritdoc />
    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        _queue.Writer.TryWrite((message, sender));
    }

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with this probe as sender.</summary>
    /// <param name="target">The recipient.</param>
    /// <param name="message">The message.</param>
    public void Send(IActorRef target, object message)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Tell(message, this);
    }

    /// <summary>Replies to <see cref="LastSender"/>.</summary>
    /// <param name="message">The reply.</param>
    public void Reply(object message) =>
        (LastSender ?? throw new InvalidOperationException($"Probe {Path} has received no message with a sender.")).Tell(message, this);

    /// <summary>Receives <see cref="Terminated"/> when <paramref name="actor"/> stops.</summary>
    /// <param name="actor">An actor of the same system.</param>
    public void Watch(IActorRef actor)
    {
        if (actor is not ActorCell cell)
        {
            throw new ArgumentException($"Probes can only watch actors; got {actor?.Path}.", nameof(actor));
        }

        cell.SendSystem(new WatchMsg(this));
    }

    /// <summary>Subscribes the probe to an event type on the system's event stream.</summary>
    /// <typeparam name="T">The event type (e.g. <see cref="DeadLetter"/>).</typeparam>
    public void SubscribeTo<T>() => _system.EventStream.Subscribe(this, typeof(T));

    /// <summary>Receives the next message, failing after <paramref name="timeout"/> (real time).</summary>
    /// <param name="timeout">The guard; null for <see cref="DefaultTimeout"/>.</param>
    /// <returns>The message.</returns>
    public async Task<object> ReceiveOneAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var cts = new CancellationTokenSource(limit);
        try
        {
            var (message, sender) = await _queue.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
            LastSender = sender;
            return message;
        }
        catch (OperationCanceledException)
        {
            throw new TestKitException($"Probe {Path.Name} received no message within {limit}.");
        }
    }

    /// <summary>Expects the next message to be a <typeparamref name="T"/> (matching <paramref name="predicate"/>).</summary>
    /// <typeparam name="T">The expected type.</typeparam>
    /// <param name="predicate">An optional condition.</param>
    /// <param name="timeout">The guard; null for <see cref="DefaultTimeout"/>.</param>
    /// <returns>The message.</returns>
    public async Task<T> ExpectMsgAsync<T>(Func<T, bool>? predicate = null, TimeSpan? timeout = null)
    {
        var message = await ReceiveOneAsync(timeout).ConfigureAwait(false);
        if (message is not T typed)
        {
            throw new TestKitException($"Probe {Path.Name} expected {typeof(T).Name} but received {message.GetType().Name}: {message}.");
        }

        if (predicate is not null && !predicate(typed))
        {
            throw new TestKitException($"Probe {Path.Name} received {typed} which does not match the expectation.");
        }

        return typed;
    }

    /// <summary>Expects the next message to be a <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The expected type.</typeparam>
    /// <param name="timeout">The guard.</param>
    /// <returns>The message.</returns>
    public Task<T> ExpectMsgAsync<T>(TimeSpan timeout) => ExpectMsgAsync<T>(null, timeout);

    /// <summary>Expects the next message to equal <paramref name="expected"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="expected">The expected message.</param>
    /// <param name="timeout">The guard.</param>
    /// <returns>The message.</returns>
    public Task<T> ExpectMsgAsync<T>(T expected, TimeSpan? timeout = null)
        where T : notnull => ExpectMsgAsync<T>(m => EqualityComparer<T>.Default.Equals(m, expected), timeout);

    /// <summary>
    /// Asserts that no message arrives within <paramref name="duration"/> of real time. Under a fake clock, advance
    /// the clock first, then give the actors a short real window here.
    /// </summary>
    /// <param name="duration">How long to watch (real time).</param>
    /// <returns>A task that faults if a message arrived.</returns>
    public async Task ExpectNoMsgAsync(TimeSpan duration)
    {
        if (_queue.Reader.TryRead(out var early))
        {
            throw new TestKitException($"Probe {Path.Name} expected no message but had {early.Message.GetType().Name}: {early.Message}.");
        }

        using var cts = new CancellationTokenSource(duration);
        try
        {
            await _queue.Reader.WaitToReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        _queue.Reader.TryRead(out var item);
        throw new TestKitException($"Probe {Path.Name} expected no message but received {item.Message?.GetType().Name}: {item.Message}.");
    }

    /// <summary>Skips messages until one of type <typeparamref name="T"/> satisfies <paramref name="isTarget"/>.</summary>
    /// <typeparam name="T">The wanted type.</typeparam>
    /// <param name="isTarget">The condition; null accepts any <typeparamref name="T"/>.</param>
    /// <param name="timeout">Total guard; null for <see cref="DefaultTimeout"/>.</param>
    /// <returns>The matching message.</returns>
    public async Task<T> FishForMessageAsync<T>(Func<T, bool>? isTarget = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var remaining = limit - TimeProvider.System.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TestKitException($"Probe {Path.Name} fished for {typeof(T).Name} for {limit} without a match.");
            }

            if (await ReceiveOneAsync(remaining).ConfigureAwait(false) is T typed && (isTarget is null || isTarget(typed)))
            {
                return typed;
            }
        }
    }
}

/// <summary>A failed TestKit expectation.</summary>
public sealed class TestKitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TestKitException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public TestKitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TestKitException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
