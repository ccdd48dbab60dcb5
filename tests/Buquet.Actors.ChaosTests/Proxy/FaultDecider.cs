namespace Buquet.Actors.ChaosTests.Proxy;

/// <summary>
/// Decides the fault of each request: an active blackhole first, then scheduled faults in order (first whose filter
/// matches), then the rest of a 503 burst, then the random faults of the <see cref="FaultPlan"/> from a seeded
/// <see cref="Random"/>. Thread-safe; one decision per request, so a run is repeatable from its seed as far as the
/// order of requests is (concurrent clients interleave by timing). Every injected fault is counted by kind.
/// </summary>
public sealed class FaultDecider
{
    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly List<(FaultKind Kind, RequestFilter Filter)> _scheduled = [];
    private readonly long[] _counts = new long[Enum.GetValues<FaultKind>().Length];
    private FaultPlan _plan;
    private int _burstLeft;
    private DateTimeOffset _blackholeUntil;

    /// <summary>Creates a decider.</summary>
    public FaultDecider(FaultPlan plan, int seed, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        plan.Validate();
        _plan = plan;
        Seed = seed;
        _random = new Random(seed);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The seed of the random faults.</summary>
    public int Seed { get; }

    /// <summary>The random-fault plan; replace it to change the weather mid-run.</summary>
    public FaultPlan Plan
    {
        get { lock (_gate) { return _plan; } }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            lock (_gate) { _plan = value; }
        }
    }

    /// <summary>Schedules <paramref name="kind"/> for the next request matching <paramref name="filter"/>.</summary>
    public void Enqueue(FaultKind kind, RequestFilter filter = RequestFilter.Any)
    {
        if (kind is FaultKind.Blackhole or FaultKind.Latency)
        {
            throw new ArgumentException($"Fault kind '{kind}' cannot be queued: use StartBlackhole or the plan's latency.", nameof(kind));
        }

        lock (_gate) { _scheduled.Add((kind, filter)); }
    }

    /// <summary>Holds every request from now until now + <paramref name="duration"/>, then resets them (a partition).</summary>
    public void StartBlackhole(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Blackhole duration must be positive, was {duration}.", nameof(duration));
        }

        var until = _time.GetUtcNow() + duration;
        lock (_gate)
        {
            if (until > _blackholeUntil)
            {
                _blackholeUntil = until;
            }
        }
    }

    /// <summary>Ends a blackhole now: requests from here on are forwarded (requests already held keep their deadline).</summary>
    public void EndBlackhole()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_blackholeUntil > now)
            {
                _blackholeUntil = now;
            }
        }
    }

    /// <summary>Scheduled faults not yet applied.</summary>
    public int PendingScheduled
    {
        get { lock (_gate) { return _scheduled.Count; } }
    }

    /// <summary>Faults injected so far, by kind (every kind present, zero included).</summary>
    public IReadOnlyDictionary<FaultKind, long> Counts()
    {
        lock (_gate)
        {
            return Enum.GetValues<FaultKind>().ToDictionary(k => k, k => _counts[(int)k]);
        }
    }

    /// <summary>Injected faults of all kinds.</summary>
    public long TotalInjected
    {
        get { lock (_gate) { return _counts.Sum(); } }
    }

    /// <summary>Decides (and counts) the fault for one request.</summary>
    public FaultDecision Decide(RequestShape request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (now < _blackholeUntil)
            {
                return Count(new FaultDecision(FaultKind.Blackhole, TimeSpan.Zero, _blackholeUntil, now));
            }

            var latency = TimeSpan.Zero;
            if (_plan.LatencyProbability > 0 && _random.NextDouble() < _plan.LatencyProbability)
            {
                latency = _plan.MinLatency + (_plan.MaxLatency - _plan.MinLatency) * _random.NextDouble();
                _counts[(int)FaultKind.Latency]++;
            }

            var index = _scheduled.FindIndex(s => request.Matches(s.Filter));
            if (index >= 0)
            {
                var kind = _scheduled[index].Kind;
                _scheduled.RemoveAt(index);
                return Count(new FaultDecision(kind, latency, default, now));
            }

            var random = RandomFault(request, now);
            return Count(new FaultDecision(random, latency, random == FaultKind.Blackhole ? _blackholeUntil : default, now));
        }
    }

    private FaultKind? RandomFault(RequestShape request, DateTimeOffset now)
    {
        if (_burstLeft > 0)
        {
            _burstLeft--;
            return FaultKind.SlowDown;
        }

        var p = _plan;
        if (Draw(p.BlackholeProbability))
        {
            _blackholeUntil = now + p.BlackholeDuration;
            return FaultKind.Blackhole;
        }

        if (Draw(p.SlowDownBurstProbability))
        {
            _burstLeft = p.SlowDownBurstLength - 1;
            return FaultKind.SlowDown;
        }

        // AWS answers 409 only while another conditional write to the same key is in flight; the start-up probe's key
        // is fresh and private, so a 409 there cannot happen on a real store (and would fail the probe: docs/reliability.md).
        if (request.IsConditionalPut && !request.Target.Contains("/.buquet/probe/", StringComparison.Ordinal) && Draw(p.ConflictProbability))
        {
            return FaultKind.Conflict;
        }

        if (Draw(p.InternalErrorProbability))
        {
            return FaultKind.InternalError;
        }

        if (!request.Matches(p.DropResponseFilter))
        {
            return null;
        }

        if (Draw(p.DropResponseProbability))
        {
            return FaultKind.DropResponse;
        }

        return Draw(p.ResetAfterForwardProbability) ? FaultKind.ResetAfterForward : null;
    }

    private bool Draw(double probability) => probability > 0 && _random.NextDouble() < probability;

    private FaultDecision Count(FaultDecision decision)
    {
        if (decision.Kind is { } kind)
        {
            _counts[(int)kind]++;
        }

        return decision;
    }
}
