namespace Buquet.Actors.Worker.Maintenance;

/// <summary>
/// Exponential backoff with jitter for maintenance actors whose store calls failed with
/// <see cref="Storage.ObjectStoreUnavailableException"/> (503 SlowDown, timeouts): min · 2^n capped at max, times
/// 1 + random · 0.2, so a fleet recovering from an outage does not retry in lockstep.
/// </summary>
/// <param name="Min">The first delay.</param>
/// <param name="Max">The cap.</param>
internal sealed record StoreBackoff(TimeSpan Min, TimeSpan Max)
{
    public const double RandomFactor = 0.2;

    public static StoreBackoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    /// <summary>The delay before retry number <paramref name="failures"/> (1 for the first failure).</summary>
    public TimeSpan DelayFor(int failures, double random)
    {
        var exponential = Min.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        var jittered = Math.Min(exponential, Max.TotalMilliseconds) * (1 + (Math.Clamp(random, 0, 1) * RandomFactor));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, Max.TotalMilliseconds));
    }

    public StoreBackoff Validate()
    {
        if (Min <= TimeSpan.Zero || Max < Min)
        {
            throw new ArgumentOutOfRangeException(nameof(Min), $"Backoff needs 0 < min <= max, was min {Min}, max {Max}.");
        }

        return this;
    }
}
