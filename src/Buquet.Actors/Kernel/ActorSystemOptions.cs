using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Kernel;

/// <summary>Settings of an <see cref="ActorSystem"/>. Every clock and random source is injectable.</summary>
public sealed record ActorSystemOptions
{
    /// <summary>The clock for timers, receive timeouts, Ask timeouts, retry windows and shutdown phases.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The logger factory (dead letters, failures, shutdown).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Uniform random numbers in [0, 1) for backoff jitter; seed it in tests.</summary>
    public Func<double> Random { get; init; } = static () => RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue;

    /// <summary>Messages an actor processes before yielding its thread (Akka's dispatcher throughput, default 30).</summary>
    public int Throughput { get; init; } = 30;

    /// <summary>How the user guardian treats failing top-level actors; Escalate makes the failure fatal to the system.</summary>
    public SupervisorStrategy GuardianStrategy { get; init; } = SupervisorStrategy.Default;

    /// <summary>The coordinated-shutdown phases, in order; null for <see cref="CoordinatedShutdown.DefaultPhases"/>.</summary>
    public IReadOnlyList<ShutdownPhase>? ShutdownPhases { get; init; }
}
