using Akka.Actor;
using Buquet.Actors.Hosting;
using Buquet.Actors.Worker.Supervisor;

namespace Buquet.Host.Health;

/// <summary>A probe's answer: healthy (HTTP 200) or not (503), with a one-line reason for the operator.</summary>
internal sealed record HealthResult(bool Healthy, string Detail)
{
    public static HealthResult Ok(string detail) => new(true, detail);

    public static HealthResult Fail(string detail) => new(false, detail);
}

/// <summary>
/// What <c>buquet worker</c>'s health endpoints report (ADR 0016).
/// <list type="bullet">
/// <item>Liveness (<c>/healthz</c>): the process is starting (waiting for the store counts: restarting would not help),
/// or its actor system runs and the worker supervisor has not stopped (DeathWatch, no request per probe).</item>
/// <item>Readiness (<c>/readyz</c>): the store was opened (for S3 that includes the conformance probe: create-only
/// put and If-Match enforced, versioning), coordinated shutdown has not begun (a draining worker is not ready from the
/// first phase on) and the supervisor answers that it is claiming.</item>
/// </list>
/// </summary>
internal sealed class WorkerHealth
{
    /// <summary>How long readiness waits for the supervisor's status; below Kubernetes' default probe timeout (1 s).</summary>
    public static readonly TimeSpan StatusTimeout = TimeSpan.FromMilliseconds(800);

    // Thread-safe and shared: written by the worker command and the watcher actor, read by request threads.
    private volatile string? _storeProblem = "the store has not been opened yet";
    private volatile Attached? _worker;
    private volatile bool _supervisorStopped;

    /// <summary>The store opened and passed its probe.</summary>
    public void StoreOpened() => _storeProblem = null;

    /// <summary>The store is not reachable yet (the worker keeps retrying); readiness reports why.</summary>
    public void StoreUnavailable(string problem) => _storeProblem = "waiting for the store: " + problem;

    /// <summary>Starts watching the worker supervisor of <paramref name="system"/>.</summary>
    public void Attach(ActorSystem system, IActorRef supervisor)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(supervisor);
        system.ActorOf(FatalWatch.Props(supervisor, () => _supervisorStopped = true), "health-watch");
        _worker = new Attached(system, supervisor);
    }

    /// <summary>Liveness: see the class remarks.</summary>
    public HealthResult Liveness()
    {
        if (_worker is not { } w)
        {
            return HealthResult.Ok("starting: " + (_storeProblem ?? "the worker is starting"));
        }

        if (w.System.WhenTerminated.IsCompleted)
        {
            return HealthResult.Fail("the actor system has terminated");
        }

        return _supervisorStopped
            ? HealthResult.Fail("the worker supervisor has stopped")
            : HealthResult.Ok("alive");
    }

    /// <summary>Readiness: see the class remarks.</summary>
    public async Task<HealthResult> ReadinessAsync(CancellationToken cancellationToken)
    {
        if (_storeProblem is { } problem)
        {
            return HealthResult.Fail(problem);
        }

        if (_worker is not { } w)
        {
            return HealthResult.Fail("the worker is starting");
        }

        if (CoordinatedShutdown.Get(w.System).ShutdownReason is not null || w.System.WhenTerminated.IsCompleted)
        {
            return HealthResult.Fail("draining: the worker is shutting down and claims no new task");
        }

        if (_supervisorStopped)
        {
            return HealthResult.Fail("the worker supervisor has stopped");
        }

        WorkerStatus status;
        try
        {
            status = await w.Supervisor.Ask<WorkerStatus>(WorkerSupervisor.GetStatus.Instance, StatusTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return HealthResult.Fail($"the worker supervisor did not answer within {StatusTimeout.TotalMilliseconds:0} ms");
        }

        return status.Phase == WorkerPhase.Running
            ? HealthResult.Ok($"claiming: {status.InFlight.Count} running, {status.Free} free")
            : HealthResult.Fail($"draining: the worker is {status.Phase.ToString().ToLowerInvariant()}");
    }

    private sealed record Attached(ActorSystem System, IActorRef Supervisor);
}
