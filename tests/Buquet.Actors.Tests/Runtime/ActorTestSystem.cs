using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Tests.Runtime;

/// <summary>
/// An Akka.NET system whose scheduler runs on <paramref name="clock"/> (timers, receive timeouts and backoff restarts
/// fire on <c>FakeTimeProvider.Advance</c>), with Akka.TestKit's probes. Expectations wait on real time as a failure
/// guard only; actors never see it.
/// </summary>
internal sealed class ActorTestSystem : IDisposable
{
    private static int _counter;

    public ActorTestSystem(TimeProvider clock, string? hocon = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        System = BuquetActorSystem.Create($"test-{Interlocked.Increment(ref _counter)}", clock, hocon is null ? null : ConfigurationFactory.ParseString(hocon));
        Kit = new Akka.TestKit.Xunit2.TestKit(System);
    }

    public ActorSystem System { get; }

    public Akka.TestKit.Xunit2.TestKit Kit { get; }

    /// <summary>A probe of this system.</summary>
    public TestProbe Probe(string? name = null) => Kit.CreateTestProbe(name);

    /// <summary>A probe subscribed to <typeparamref name="T"/> on the event stream.</summary>
    public TestProbe Subscriber<T>(string? name = null)
    {
        var probe = Probe(name);
        System.EventStream.Subscribe(probe.Ref, typeof(T));
        return probe;
    }

    /// <summary>Terminates the system (Akka.TestKit's shutdown).</summary>
    public void Dispose() => Kit.Dispose();
}

/// <summary>Probe helpers shared by the actor tests.</summary>
internal static class ProbeExtensions
{
    /// <summary>The next message of type <typeparamref name="T"/> within <paramref name="timeout"/>, or null (no exception).</summary>
    public static async Task<T?> TryReceiveAsync<T>(this TestProbe probe, TimeSpan timeout)
        where T : class
    {
        var message = await probe.ReceiveOneAsync(timeout);
        return message switch
        {
            null => null,
            T typed => typed,
            _ => throw new TestKitException($"Probe {probe.Ref.Path.Name} expected {typeof(T).Name} but received {message.GetType().Name}: {message}."),
        };
    }

    /// <summary>Subscribes the probe to <typeparamref name="T"/> on its system's event stream.</summary>
    public static void SubscribeTo<T>(this TestProbe probe) => probe.Sys.EventStream.Subscribe(probe.Ref, typeof(T));

    /// <summary>
    /// Asks <paramref name="actor"/> <paramref name="query"/> until two answers in a row are equal and its mailbox is
    /// empty after the second: what was queued before an answer (a tick that fell due on <c>Advance</c>, and the poll it
    /// told itself to make at once) has been handled, and a handler still running when the first answer came back
    /// (<c>ReceiveAsync</c> suspends the mailbox, so the second Ask waits behind it) shows in the second answer when it
    /// changes the state (a poll counts itself). The barrier to take before moving virtual time again, so the clock
    /// does not move under a request in flight. <paramref name="guard"/> is a wall-clock failure guard.
    /// </summary>
    /// <remarks>A handler that changes nothing the answer shows may still be finishing when this returns.</remarks>
    public static async Task<T> SettledAsync<T>(this IActorRef actor, object query, TimeSpan guard)
    {
        var cell = (actor as ActorRefWithCell)?.Underlying ?? throw new ArgumentException($"{actor.Path} is not a local actor.", nameof(actor));
        var start = TimeProvider.System.GetTimestamp();
        var previous = default(T);
        var first = true;
        while (true)
        {
            var left = guard - TimeProvider.System.GetElapsedTime(start);
            if (left <= TimeSpan.Zero)
            {
                throw new TestKitException($"{actor.Path} did not settle within {guard}.");
            }

            var answer = await actor.Ask<T>(query, TimeSpan.FromDays(1)).WaitAsync(left);
            if (!first && !cell.HasMessages && EqualityComparer<T>.Default.Equals(answer, previous))
            {
                return answer;
            }

            previous = answer;
            first = false;
        }
    }
}

/// <summary>A failed expectation of a test helper.</summary>
public sealed class TestKitException : Exception
{
    public TestKitException()
    {
    }

    public TestKitException(string message)
        : base(message)
    {
    }

    public TestKitException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Seeded uniform randomness in [0, 1) (SplitMix64): print the seed in failing tests to replay.</summary>
internal static class SeededRandom
{
    public static Func<double> Source(int seed)
    {
        var gate = new Lock();
        var state = (ulong)seed;
        return () =>
        {
            lock (gate)
            {
                var z = state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                return (z >> 11) * (1.0 / (1UL << 53));
            }
        };
    }
}

/// <summary>Standalone systems for tests that hold an <see cref="ActorSystem"/> rather than a TestKit base class.</summary>
internal static class TestActorSystem
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ActorSystem, Akka.TestKit.Xunit2.TestKit> Kits = new();

    /// <summary>A system whose timers run on <paramref name="clock"/>; terminate it with <c>Terminate()</c>.</summary>
    public static ActorSystem Create(TimeProvider clock)
    {
        var test = new ActorTestSystem(clock);
        Kits.Add(test.System, test.Kit);
        return test.System;
    }

    /// <summary>A TestKit probe in <paramref name="system"/>.</summary>
    public static TestProbe CreateProbe(this ActorSystem system, string? name = null) =>
        Kits.GetValue(system, static s => new Akka.TestKit.Xunit2.TestKit(s)).CreateTestProbe(name);
}
