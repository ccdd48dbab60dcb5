namespace Buquet.Actors.ChaosTests.Proxy;

/// <summary>A fault the <see cref="FaultProxy"/> injects.</summary>
public enum FaultKind
{
    /// <summary>503 SlowDown with S3's XML error body, not forwarded. Comes in bursts.</summary>
    SlowDown,

    /// <summary>409 ConditionalRequestConflict on a conditional PUT, not forwarded.</summary>
    Conflict,

    /// <summary>500 InternalError, not forwarded.</summary>
    InternalError,

    /// <summary>Added latency before forwarding.</summary>
    Latency,

    /// <summary>
    /// Forwarded (the write landed), then no answer: the response is held until the client gives up (its request
    /// timeout) or <see cref="FaultProxy.MaxDropHold"/> passes, then the connection is reset. The client sees a timeout.
    /// </summary>
    DropResponse,

    /// <summary>
    /// Forwarded (the write landed), then the connection is reset at once, before any response byte. Beware: .NET's
    /// SocketsHttpHandler transparently re-sends a request that failed this way on a reused connection, so the client
    /// usually sees the answer to a second copy of its request (a 412 for a conditional PUT that had landed).
    /// </summary>
    ResetAfterForward,

    /// <summary>Partition: held until the blackhole's deadline, then reset, never forwarded.</summary>
    Blackhole,
}

/// <summary>Which requests a scheduled fault applies to.</summary>
public enum RequestFilter
{
    /// <summary>Any request.</summary>
    Any,

    /// <summary>PUT with If-Match or If-None-Match.</summary>
    ConditionalPut,

    /// <summary>PUT, POST or DELETE.</summary>
    Write,

    /// <summary>GET, HEAD (object reads and listings).</summary>
    Read,
}

/// <summary>What the proxy saw of a request when deciding its fault.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Target">Raw request target (path and query).</param>
/// <param name="IsConditionalPut">PUT carrying If-Match or If-None-Match.</param>
public sealed record RequestShape(string Method, string Target, bool IsConditionalPut)
{
    /// <summary>PUT, POST or DELETE.</summary>
    public bool IsWrite => Method is "PUT" or "POST" or "DELETE";

    /// <summary>True when <paramref name="filter"/> selects this request.</summary>
    public bool Matches(RequestFilter filter) => filter switch
    {
        RequestFilter.Any => true,
        RequestFilter.ConditionalPut => IsConditionalPut,
        RequestFilter.Write => IsWrite,
        RequestFilter.Read => !IsWrite,
        _ => false,
    };
}

/// <summary>
/// Probabilities per request (each in [0, 1]) of the random faults. All zero (the default) forwards everything
/// untouched; scheduled faults (<see cref="FaultDecider.Enqueue"/>, <see cref="FaultDecider.StartBlackhole"/>) still apply.
/// </summary>
public sealed record FaultPlan
{
    /// <summary>No random faults.</summary>
    public static FaultPlan None { get; } = new();

    /// <summary>Chance that a request starts a 503 SlowDown burst.</summary>
    public double SlowDownBurstProbability { get; init; }

    /// <summary>Requests answered 503 per burst, the first included. <value>The default is 3.</value></summary>
    public int SlowDownBurstLength { get; init; } = 3;

    /// <summary>Chance that a conditional PUT is answered 409 ConditionalRequestConflict.</summary>
    public double ConflictProbability { get; init; }

    /// <summary>Chance of a 500 InternalError.</summary>
    public double InternalErrorProbability { get; init; }

    /// <summary>Chance of added latency.</summary>
    public double LatencyProbability { get; init; }

    /// <summary>Least added latency.</summary>
    public TimeSpan MinLatency { get; init; }

    /// <summary>Most added latency.</summary>
    public TimeSpan MaxLatency { get; init; }

    /// <summary>Chance that a request is forwarded and its response dropped (connection reset).</summary>
    public double DropResponseProbability { get; init; }

    /// <summary>Chance that a request is forwarded and its connection reset before any response byte.</summary>
    public double ResetAfterForwardProbability { get; init; }

    /// <summary>Which requests may have their response dropped or reset. <value>The default is <see cref="RequestFilter.Write"/>.</value></summary>
    public RequestFilter DropResponseFilter { get; init; } = RequestFilter.Write;

    /// <summary>Chance that a request starts a blackhole (partition) of <see cref="BlackholeDuration"/>.</summary>
    public double BlackholeProbability { get; init; }

    /// <summary>Length of a random blackhole. <value>The default is 2 seconds.</value></summary>
    public TimeSpan BlackholeDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        Probability(SlowDownBurstProbability, nameof(SlowDownBurstProbability));
        Probability(ConflictProbability, nameof(ConflictProbability));
        Probability(InternalErrorProbability, nameof(InternalErrorProbability));
        Probability(LatencyProbability, nameof(LatencyProbability));
        Probability(DropResponseProbability, nameof(DropResponseProbability));
        Probability(ResetAfterForwardProbability, nameof(ResetAfterForwardProbability));
        Probability(BlackholeProbability, nameof(BlackholeProbability));
        if (SlowDownBurstLength < 1)
        {
            throw new ArgumentException($"SlowDownBurstLength must be at least 1, was {SlowDownBurstLength}.", nameof(SlowDownBurstLength));
        }

        if (MinLatency < TimeSpan.Zero || MaxLatency < MinLatency)
        {
            throw new ArgumentException($"Latency must satisfy 0 <= MinLatency ({MinLatency}) <= MaxLatency ({MaxLatency}).", nameof(MinLatency));
        }

        if (BlackholeDuration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"BlackholeDuration must be positive, was {BlackholeDuration}.", nameof(BlackholeDuration));
        }
    }

    private static void Probability(double p, string name)
    {
        if (double.IsNaN(p) || p is < 0 or > 1)
        {
            throw new ArgumentException($"{name} must be in [0, 1], was {p}.", name);
        }
    }
}

/// <summary>The decision for one request: at most one primary fault plus optional latency.</summary>
/// <param name="Kind">The primary fault, or null to forward normally.</param>
/// <param name="Latency">Latency added before anything else (zero for none).</param>
/// <param name="HoldUntil">For <see cref="FaultKind.Blackhole"/>: when the partition ends (proxy clock).</param>
/// <param name="DecidedAt">When the decision was made (proxy clock); latency runs from here.</param>
public sealed record FaultDecision(FaultKind? Kind, TimeSpan Latency, DateTimeOffset HoldUntil, DateTimeOffset DecidedAt)
{
    /// <summary>True when the request is forwarded untouched.</summary>
    public bool IsForward => Kind is null && Latency == TimeSpan.Zero;
}
