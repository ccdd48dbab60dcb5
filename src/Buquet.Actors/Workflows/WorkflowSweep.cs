using Akka.Actor;
using Buquet.Actors.Runtime;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Workflows;

/// <summary>
/// Protocol of the workflow sweeper (maintenance of a worker that has workflows): every <see cref="Settings.Interval"/>
/// it re-drives active workflows whose orchestration is stuck (<see cref="WorkflowSweeper"/>).
/// </summary>
internal static class WorkflowSweep
{
    /// <summary>Runs one sweep.</summary>
    public sealed record Sweep
    {
        public static readonly Sweep Instance = new();

        private Sweep()
        {
        }
    }

    /// <summary>A sweep ended (told to the listener, for tests).</summary>
    /// <param name="Report">What it saw and did.</param>
    public sealed record SweepCompleted(WorkflowSweepReport Report);

    /// <summary>Sweeper settings.</summary>
    /// <param name="Interval">Time between sweeps.</param>
    /// <param name="QuietFor">A workflow whose state changed more recently is not stuck.</param>
    public sealed record Settings(TimeSpan Interval, TimeSpan QuietFor)
    {
        /// <summary>Every 60 s; stuck after 2 min without a state change.</summary>
        public static Settings Default { get; } = new(TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(2));
    }

    /// <summary>Props of the sweeper actor.</summary>
    public static Props Props(Settings settings, WorkflowSweeper sweeper, IActorRef? listener = null, ILogger? logger = null) =>
        ActorProps.FromFactory(() => new WorkflowSweepActor(settings, sweeper, listener, logger));
}
