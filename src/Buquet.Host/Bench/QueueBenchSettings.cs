namespace Buquet.Host.Bench;

/// <summary>Settings of <see cref="QueueBenchmark"/>.</summary>
/// <param name="Workers">Worker processes.</param>
/// <param name="Concurrency">Tasks each worker runs at once.</param>
/// <param name="Tasks">Tasks submitted (the throughput run; 0 in idle mode).</param>
/// <param name="Handler">Task type: buquet.echo or buquet.sleep.</param>
/// <param name="SleepMs">Handler time of buquet.sleep tasks.</param>
/// <param name="Producers">Concurrent submitters (in this process).</param>
/// <param name="Rate">Submissions per second across producers; 0 = as fast as they go.</param>
/// <param name="Timeout">Longest wait for every task to finish.</param>
/// <param name="Idle">Idle mode: how long the workers sit on an empty queue before one task is submitted.</param>
/// <param name="CeilingDuration">Per-phase duration of the store ceiling measured first; zero skips it.</param>
/// <param name="CeilingConcurrency">Concurrency of the ceiling measurement.</param>
/// <param name="WorkDirectory">Where worker count files and logs go.</param>
internal sealed record QueueBenchSettings(
    int Workers, int Concurrency, int Tasks, string Handler, int SleepMs, int Producers, double Rate, TimeSpan Timeout,
    TimeSpan? Idle, TimeSpan CeilingDuration, int CeilingConcurrency, string WorkDirectory)
{
    public const string Echo = "buquet.echo";
    public const string Sleep = "buquet.sleep";

    /// <summary>Processed tasks written into the store before the workers start (<c>--history</c>), as a worker leaves them.</summary>
    public int History { get; init; }

    /// <summary>Idle mode: start-up time left out of the idle window (registration, first polls, going idle).</summary>
    public TimeSpan IdleSettle { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Idle mode: tasks submitted one at a time after the idle period (the first right after it).</summary>
    public int IdlePickups { get; init; } = 5;

    /// <summary>Idle mode: quiet time before each task after the first; null = a tenth of the idle period, 20 s .. 3 min.</summary>
    public TimeSpan? PickupSpacing { get; init; }

    /// <summary>The spacing actually used.</summary>
    public TimeSpan EffectivePickupSpacing => PickupSpacing
        ?? TimeSpan.FromTicks(Math.Clamp((Idle ?? TimeSpan.Zero).Ticks / 10, TimeSpan.FromSeconds(20).Ticks, TimeSpan.FromMinutes(3).Ticks));

    public void Validate()
    {
        if (Workers is < 1 or > 64)
        {
            throw new ArgumentException($"--workers {Workers} is out of range; use 1..64.");
        }

        if (Concurrency is < 1 or > 10_000)
        {
            throw new ArgumentException($"--concurrency {Concurrency} is out of range; use 1..10000.");
        }

        if (Idle is null && Tasks is < 1 or > 10_000_000)
        {
            throw new ArgumentException($"--tasks {Tasks} is out of range; use 1..10000000.");
        }

        if (History is < 0 or > 10_000_000)
        {
            throw new ArgumentException($"--history {History} is out of range; use 0..10000000.");
        }

        if (Handler is not (Echo or Sleep))
        {
            throw new ArgumentException($"--handler '{Handler}' is not a benchmark handler; use {Echo} or {Sleep}.");
        }

        if (SleepMs < 0)
        {
            throw new ArgumentException($"--sleep-ms {SleepMs} must not be negative.");
        }

        if (Producers is < 1 or > 1024)
        {
            throw new ArgumentException($"--producers {Producers} is out of range; use 1..1024.");
        }

        if (Rate < 0 || double.IsNaN(Rate))
        {
            throw new ArgumentException($"--rate {Rate} must be 0 (unlimited) or positive.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"--timeout {Timeout} must be positive.");
        }

        if (Idle is { } idle && idle <= TimeSpan.Zero)
        {
            throw new ArgumentException($"--idle {idle} must be positive.");
        }

        if (IdleSettle < TimeSpan.Zero)
        {
            throw new ArgumentException($"--idle-settle {IdleSettle} must not be negative.");
        }

        if (IdlePickups is < 1 or > 100)
        {
            throw new ArgumentException($"--idle-pickups {IdlePickups} is out of range; use 1..100.");
        }

        if (PickupSpacing is { } spacing && spacing < TimeSpan.Zero)
        {
            throw new ArgumentException($"--pickup-spacing {spacing} must not be negative.");
        }
    }
}
