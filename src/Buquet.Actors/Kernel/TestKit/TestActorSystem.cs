using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Kernel.TestKit;

/// <summary>Creates deterministic actor systems for tests: an injected clock and seeded randomness.</summary>
public static class TestActorSystem
{
    private static int _counter;

    /// <summary>Creates a system driven by <paramref name="clock"/> (e.g. a FakeTimeProvider) with seeded jitter.</summary>
    /// <param name="clock">The clock; pass a FakeTimeProvider and call Advance to fire timers.</param>
    /// <param name="seed">The random seed (print it in failing tests to replay).</param>
    /// <param name="options">Further options; its clock and random source are replaced.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    /// <returns>The system.</returns>
    public static ActorSystem Create(TimeProvider clock, int seed = 1, ActorSystemOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var random = new SeededRandom(seed);
        options = (options ?? new ActorSystemOptions()) with { TimeProvider = clock, Random = random.NextDouble };
        if (loggerFactory is not null)
        {
            options = options with { LoggerFactory = loggerFactory };
        }

        return ActorSystem.Create("test-" + Interlocked.Increment(ref _counter), options);
    }

    /// <summary>A seeded random source (SplitMix64) returning uniform doubles in [0, 1).</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>The generator.</returns>
    public static Func<double> SeededRandomSource(int seed) => new SeededRandom(seed).NextDouble;

    private sealed class SeededRandom(int seed)
    {
        private readonly object _gate = new();
        private ulong _state = (ulong)seed;

        public double NextDouble()
        {
            lock (_gate)
            {
                var z = _state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                return (z >> 11) * (1.0 / (1UL << 53));
            }
        }
    }
}
