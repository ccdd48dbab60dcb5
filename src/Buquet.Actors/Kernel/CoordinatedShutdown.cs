using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Kernel;

/// <summary>A named shutdown phase: its tasks run in parallel and get <paramref name="Timeout"/> to finish.</summary>
/// <param name="Name">The phase name.</param>
/// <param name="Timeout">How long the phase's tasks may run (on the system clock).</param>
/// <param name="Recover">When false, a failed or timed-out phase skips the remaining phases (the system is still terminated).</param>
public sealed record ShutdownPhase(string Name, TimeSpan Timeout, bool Recover = true);

/// <summary>
/// Akka-style coordinated shutdown: ordered phases, each with a timeout, run once. The last step always
/// terminates the actor system. <see cref="RunAsync"/> is idempotent: later calls return the same task.
/// </summary>
public sealed class CoordinatedShutdown
{
    /// <summary>Stop taking new work (e.g. stop claiming).</summary>
    public const string StopAccepting = "stop-accepting";

    /// <summary>Signal cooperative cancellation to running work.</summary>
    public const string CancelRunning = "cancel-running";

    /// <summary>Let in-flight work finish (keep heartbeats alive here).</summary>
    public const string Drain = "drain";

    /// <summary>Release leases and other held resources.</summary>
    public const string Release = "release";

    /// <summary>Flush metrics and traces.</summary>
    public const string FlushTelemetry = "flush-telemetry";

    /// <summary>Stop all actors; the system's own task runs here.</summary>
    public const string ActorSystemTerminate = "actor-system-terminate";

    private readonly ActorSystem _system;
    private readonly ILogger _logger;
    private readonly Dictionary<string, List<(string Name, Func<CancellationToken, Task> Run)>> _tasks = new(StringComparer.Ordinal);
    private Task? _run;

    internal CoordinatedShutdown(ActorSystem system, IReadOnlyList<ShutdownPhase> phases)
    {
        if (phases.Count == 0 || phases.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != phases.Count)
        {
            throw new ArgumentException("Shutdown phases must be non-empty with unique names.", nameof(phases));
        }

        foreach (var phase in phases.Where(p => p.Timeout <= TimeSpan.Zero))
        {
            throw new ArgumentException($"Shutdown phase '{phase.Name}' has a non-positive timeout {phase.Timeout}.", nameof(phases));
        }

        _system = system;
        _logger = system.Options.LoggerFactory.CreateLogger("Buquet.Actors.Kernel.CoordinatedShutdown");
        Phases = phases;
        foreach (var phase in phases)
        {
            _tasks[phase.Name] = [];
        }
    }

    /// <summary>The default phases (5 s each, Akka's default-phase-timeout; 10 s to terminate the system).</summary>
    public static IReadOnlyList<ShutdownPhase> DefaultPhases { get; } =
    [
        new(StopAccepting, TimeSpan.FromSeconds(5)),
        new(CancelRunning, TimeSpan.FromSeconds(5)),
        new(Drain, TimeSpan.FromSeconds(30)),
        new(Release, TimeSpan.FromSeconds(5)),
        new(FlushTelemetry, TimeSpan.FromSeconds(5)),
        new(ActorSystemTerminate, TimeSpan.FromSeconds(10)),
    ];

    /// <summary>The phases in run order.</summary>
    public IReadOnlyList<ShutdownPhase> Phases { get; }

    /// <summary>The reason given to the first <see cref="RunAsync"/> call, or null before.</summary>
    public string? Reason { get; private set; }

    /// <summary>Adds a task to a phase. The token is cancelled when the phase times out.</summary>
    /// <param name="phase">An existing phase name.</param>
    /// <param name="taskName">A name for logs.</param>
    /// <param name="task">The work.</param>
    public void AddTask(string phase, string taskName, Func<CancellationToken, Task> task)
    {
        ArgumentNullException.ThrowIfNull(phase);
        ArgumentNullException.ThrowIfNull(taskName);
        ArgumentNullException.ThrowIfNull(task);
        lock (_tasks)
        {
            if (!_tasks.TryGetValue(phase, out var list))
            {
                throw new ArgumentException($"Unknown shutdown phase '{phase}'; known: {string.Join(", ", Phases.Select(p => p.Name))}.", nameof(phase));
            }

            if (_run is not null)
            {
                throw new InvalidOperationException($"Cannot add shutdown task '{taskName}': shutdown already started ({Reason}).");
            }

            list.Add((taskName, task));
        }
    }

    /// <summary>Runs all phases once, in order, then terminates the system. Later calls return the same task.</summary>
    /// <param name="reason">Why (logged).</param>
    /// <returns>A task completing when the system has terminated.</returns>
    public Task RunAsync(string reason)
    {
        lock (_tasks)
        {
            if (_run is null)
            {
                Reason = reason;
                _run = Task.Run(RunPhasesAsync);
            }

            return _run;
        }
    }

    private async Task RunPhasesAsync()
    {
        _logger.LogInformation("Coordinated shutdown of {System} started: {Reason}", _system.Name, Reason);
        try
        {
            foreach (var phase in Phases)
            {
                if (!await RunPhaseAsync(phase).ConfigureAwait(false) && !phase.Recover)
                {
                    _logger.LogError("Shutdown phase {Phase} failed and does not recover; skipping the remaining phases", phase.Name);
                    break;
                }
            }
        }
        finally
        {
            await _system.Terminate().ConfigureAwait(false);
        }
    }

    private async Task<bool> RunPhaseAsync(ShutdownPhase phase)
    {
        var tasks = _tasks[phase.Name];
        if (phase.Name == ActorSystemTerminate)
        {
            tasks = [.. tasks, ("terminate-actor-system", _ => _system.Terminate())];
        }

        if (tasks.Count == 0)
        {
            return true;
        }

        using var timeout = new CancellationTokenSource(phase.Timeout, _system.TimeProvider);
        var running = tasks.Select(t => RunTaskAsync(phase, t.Name, t.Run, timeout.Token)).ToArray();
        try
        {
            var results = await Task.WhenAll(running).WaitAsync(phase.Timeout, _system.TimeProvider).ConfigureAwait(false);
            return results.All(ok => ok);
        }
        catch (TimeoutException)
        {
            await timeout.CancelAsync().ConfigureAwait(false);
            _logger.LogWarning("Shutdown phase {Phase} timed out after {Timeout}", phase.Name, phase.Timeout);
            return false;
        }
    }

    private async Task<bool> RunTaskAsync(ShutdownPhase phase, string name, Func<CancellationToken, Task> run, CancellationToken token)
    {
        try
        {
            await run(token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Shutdown task {Task} in phase {Phase} failed", name, phase.Name);
            return false;
        }
    }
}
