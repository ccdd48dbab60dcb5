namespace Buquet.Actors.Storage;

/// <summary>What <see cref="FaultInjectingObjectStore"/> injects. Probabilities are per operation, in [0, 1].</summary>
public sealed record FaultSettings
{
    /// <summary>No faults: the decorator is transparent.</summary>
    public static FaultSettings None { get; } = new();

    /// <summary>Least added latency per operation. <value>The default is zero.</value></summary>
    public TimeSpan MinLatency { get; init; } = TimeSpan.Zero;

    /// <summary>Most added latency per operation (uniform between min and max). <value>The default is zero.</value></summary>
    public TimeSpan MaxLatency { get; init; } = TimeSpan.Zero;

    /// <summary>Chance of a 503 SlowDown (<see cref="ObjectStoreThrottledException"/>); the operation is not performed.</summary>
    public double ThrottleProbability { get; init; }

    /// <summary>Chance that a conditional put gets S3's 409 ConditionalRequestConflict: precondition failed, nothing written.</summary>
    public double ConflictProbability { get; init; }

    /// <summary>Chance that an operation is performed (a write lands) and then times out (<see cref="ObjectStoreTimeoutException"/>).</summary>
    public double LandedTimeoutProbability { get; init; }

    /// <summary>Chance that an operation is performed and its response is lost (<see cref="ObjectStoreUnavailableException"/>).</summary>
    public double DroppedResponseProbability { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        Check(ThrottleProbability, nameof(ThrottleProbability));
        Check(ConflictProbability, nameof(ConflictProbability));
        Check(LandedTimeoutProbability, nameof(LandedTimeoutProbability));
        Check(DroppedResponseProbability, nameof(DroppedResponseProbability));
        if (MinLatency < TimeSpan.Zero || MaxLatency < MinLatency)
        {
            throw new ArgumentException($"Latency range must satisfy 0 <= MinLatency ({MinLatency}) <= MaxLatency ({MaxLatency}).", nameof(MaxLatency));
        }
    }

    private static void Check(double p, string name)
    {
        if (double.IsNaN(p) || p is < 0 or > 1)
        {
            throw new ArgumentException($"{name} must be in [0, 1], was {p}.", name);
        }
    }
}

/// <summary>How many faults a <see cref="FaultInjectingObjectStore"/> has injected so far.</summary>
public sealed record FaultCounts(int Outages, int Throttles, int Conflicts, int LandedTimeouts, int DroppedResponses);
