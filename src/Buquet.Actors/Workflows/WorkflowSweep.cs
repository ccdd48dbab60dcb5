using Akka.Actor;
using Buquet.Actors.Configuration;
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
        /// <summary>Every 60 s; stuck after 2 min without a state change (reference.conf's <c>buquet.workflows.sweeper</c>).</summary>
        public static Settings Default { get; } = FromOptions(new WorkflowSweeperOptions());

        /// <summary>From <c>buquet.workflows.sweeper</c> (<c>interval</c>, <c>stuck-after</c>).</summary>
        public static Settings FromOptions(WorkflowSweeperOptions options) => new(options.Interval, options.StuckAfter);
    }

    /// <summary>Props of the sweeper actor.</summary>
    public static Props Props(Settings settings, WorkflowSweeper sweeper, IActorRef? listener = null, ILogger? logger = null) =>
        ActorProps.FromFactory(() => new WorkflowSweepActor(settings, sweeper, listener, logger));
}
