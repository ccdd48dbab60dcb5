namespace Buquet.Actors.Protocol;

/// <summary>Exponential backoff with jitter (protocol §2.3, §3.9).</summary>
/// <param name="InitialIntervalMs">First delay in milliseconds (u32).</param>
/// <param name="MaxIntervalMs">Delay cap before jitter in milliseconds (u32).</param>
/// <param name="Multiplier">Growth factor per retry.</param>
/// <param name="JitterPercent">Jitter fraction 0..1 (0.25 = ±25 %).</param>
public sealed record RetryPolicy(long InitialIntervalMs, long MaxIntervalMs, double Multiplier, double JitterPercent)
{
    /// <summary>1000 ms, 60000 ms, ×2.0, ±25 %.</summary>
    public static RetryPolicy Default { get; } = new(1000, 60_000, 2.0, 0.25);

    /// <summary>
    /// The delay before retry number <paramref name="retryCount"/> (0-based: the value of <c>retry_count</c> before it
    /// is incremented): <c>min(initial × multiplier^min(k,30), max) × (1 + U[−j,+j])</c>, clamped at 0, truncated to
    /// whole ms, saturating at u32::MAX.
    /// </summary>
    /// <param name="retryCount">Retries consumed before this one.</param>
    /// <param name="random">Uniform source in [0, 1); only called when jitter is non-zero.</param>
    public TimeSpan DelayFor(long retryCount, Func<double> random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var k = (int)Math.Clamp(retryCount, 0, 30);
        var baseMs = Math.Min(InitialIntervalMs * Math.Pow(Multiplier, k), MaxIntervalMs);
        var j = Math.Abs(JitterPercent);
        var factor = j == 0 ? 1.0 : 1.0 + (((random() * 2.0) - 1.0) * j);
        var ms = Math.Max(0.0, baseMs * factor);
        var truncated = ms >= uint.MaxValue || double.IsNaN(ms) ? uint.MaxValue : (long)Math.Floor(ms);
        return TimeSpan.FromMilliseconds(truncated);
    }
}
