namespace Buquet.Actors.Kernel;

/// <summary>When the backoff supervisor recreates its child.</summary>
public enum BackoffMode
{
    /// <summary>Recreate after the child fails; a child that stops by itself stops the supervisor too.</summary>
    OnFailure,

    /// <summary>Recreate after the child stops for any reason (failures use the default decider's restart).</summary>
    OnStop,
}

/// <summary>Settings of a <see cref="BackoffSupervisor"/>; build them with <see cref="Backoff"/>.</summary>
/// <param name="Mode">When to recreate the child.</param>
/// <param name="ChildProps">The child's recipe.</param>
/// <param name="ChildName">The child's name.</param>
/// <param name="MinBackoff">The first delay.</param>
/// <param name="MaxBackoff">The cap.</param>
/// <param name="RandomFactor">Jitter: the delay is multiplied by 1 + random * factor (0 for none).</param>
public sealed record BackoffOptions(BackoffMode Mode, Props ChildProps, string ChildName, TimeSpan MinBackoff, TimeSpan MaxBackoff, double RandomFactor)
{
    /// <summary>Reset the restart count once the child has run this long (null: manual reset via <see cref="BackoffSupervisor.Reset"/>).</summary>
    public TimeSpan? AutoReset { get; init; }

    /// <summary>The random source for jitter; null uses the actor system's.</summary>
    public Func<double>? Random { get; init; }

    /// <summary>Returns a copy that resets the backoff after the child ran for <paramref name="resetBackoff"/>.</summary>
    /// <param name="resetBackoff">The healthy run time.</param>
    /// <returns>The options.</returns>
    public BackoffOptions WithAutoReset(TimeSpan resetBackoff)
    {
        if (resetBackoff <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(resetBackoff), resetBackoff, "Auto reset must be positive.");
        }

        return this with { AutoReset = resetBackoff };
    }

    /// <summary>Returns a copy that resets only when the child sends <see cref="BackoffSupervisor.Reset"/>.</summary>
    /// <returns>The options.</returns>
    public BackoffOptions WithManualReset() => this with { AutoReset = null };

    /// <summary>Returns a copy drawing jitter from <paramref name="random"/> (uniform in [0, 1)).</summary>
    /// <param name="random">The random source.</param>
    /// <returns>The options.</returns>
    public BackoffOptions WithRandom(Func<double> random) => this with { Random = random ?? throw new ArgumentNullException(nameof(random)) };

    /// <summary>Akka's formula: min(max, min * 2^restarts) * (1 + random * randomFactor), capped at max.</summary>
    /// <param name="restartCount">Restarts so far.</param>
    /// <param name="random">A uniform sample in [0, 1).</param>
    /// <returns>The delay before the next start.</returns>
    public TimeSpan DelayFor(int restartCount, double random)
    {
        var exponential = MinBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(restartCount, 62));
        var capped = Math.Min(MaxBackoff.TotalMilliseconds, exponential) * (1.0 + (random * RandomFactor));
        return TimeSpan.FromMilliseconds(Math.Min(capped, MaxBackoff.TotalMilliseconds));
    }
}

/// <summary>Factories for <see cref="BackoffOptions"/> (Akka's <c>Backoff.OnFailure</c> / <c>Backoff.OnStop</c>).</summary>
public static class Backoff
{
    /// <summary>Recreate the child with exponential backoff after it fails.</summary>
    /// <param name="childProps">The child's recipe.</param>
    /// <param name="childName">The child's name.</param>
    /// <param name="minBackoff">The first delay.</param>
    /// <param name="maxBackoff">The cap.</param>
    /// <param name="randomFactor">Jitter factor (>= 0).</param>
    /// <returns>The options.</returns>
    public static BackoffOptions OnFailure(Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor) =>
        Create(BackoffMode.OnFailure, childProps, childName, minBackoff, maxBackoff, randomFactor);

    /// <summary>Recreate the child with exponential backoff after it stops.</summary>
    /// <param name="childProps">The child's recipe.</param>
    /// <param name="childName">The child's name.</param>
    /// <param name="minBackoff">The first delay.</param>
    /// <param name="maxBackoff">The cap.</param>
    /// <param name="randomFactor">Jitter factor (>= 0).</param>
    /// <returns>The options.</returns>
    public static BackoffOptions OnStop(Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor) =>
        Create(BackoffMode.OnStop, childProps, childName, minBackoff, maxBackoff, randomFactor);

    private static BackoffOptions Create(BackoffMode mode, Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor)
    {
        ArgumentNullException.ThrowIfNull(childProps);
        ArgumentException.ThrowIfNullOrWhiteSpace(childName);
        if (minBackoff <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(minBackoff), minBackoff, "minBackoff must be positive.");
        }

        if (maxBackoff < minBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBackoff), maxBackoff, $"maxBackoff must be >= minBackoff ({minBackoff}).");
        }

        if (randomFactor is < 0 or double.NaN)
        {
            throw new ArgumentOutOfRangeException(nameof(randomFactor), randomFactor, "randomFactor must be >= 0.");
        }

        return new BackoffOptions(mode, childProps, childName, minBackoff, maxBackoff, randomFactor);
    }
}
