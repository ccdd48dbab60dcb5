using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Worker.Supervisor;

/// <summary>Protocol of the worker supervisor, the root of one worker's actor tree (INTERNAL API).</summary>
internal static class WorkerSupervisor
{
    /// <summary>Marker for the supervisor's messages.</summary>
    public interface IWorkerSupervisorMessage;

    /// <summary>Phased shutdown: stop claiming, drain, cancel, release. Replies <see cref="ShutdownCompleted"/>.</summary>
    public sealed class Shutdown : IWorkerSupervisorMessage
    {
        public static readonly Shutdown Instance = new();

        private Shutdown()
        {
        }
    }

    /// <summary>First step of shutdown: no new claims (tasks in flight run on). Replies <see cref="ClaimingStopped"/>.</summary>
    public sealed class StopClaiming : IWorkerSupervisorMessage
    {
        public static readonly StopClaiming Instance = new();

        private StopClaiming()
        {
        }
    }

    /// <summary>Reply to <see cref="StopClaiming"/>.</summary>
    /// <param name="InFlight">Tasks still running.</param>
    public sealed record ClaimingStopped(int InFlight);

    /// <summary>Reply to <see cref="Shutdown"/>.</summary>
    /// <param name="Abandoned">Tasks still running at the end of the grace period, left to lease expiry.</param>
    public sealed record ShutdownCompleted(IReadOnlyList<Guid> Abandoned);

    /// <summary>Asks for a <see cref="WorkerStatus"/>.</summary>
    public sealed class GetStatus : IWorkerSupervisorMessage
    {
        public static readonly GetStatus Instance = new();

        private GetStatus()
        {
        }
    }

    /// <summary>
    /// From a clustered fleet (ADR 0026, 0027): a task of <paramref name="TaskType"/> (null: not said) became ready at
    /// <paramref name="ReadyKey"/>. While claiming, with a free slot and a handler for the type, the key's task is claimed
    /// directly (GET + CAS, no LIST); without a free slot the poller polls once one frees. Ignored while stopping.
    /// </summary>
    public sealed record TaskReadyPushed(string ReadyKey, string? TaskType = null) : IWorkerSupervisorMessage;

    /// <summary>
    /// From a clustered fleet (ADR 0027): the S3 wake-up hint moved to <paramref name="ETag"/>, announced by the member
    /// that touched it or <paramref name="Relayed"/> by a worker that saw a move no member announced. Forwarded to the
    /// poller while claiming.
    /// </summary>
    public sealed record HintMoved(string ETag, bool Relayed) : IWorkerSupervisorMessage;

    /// <summary>
    /// From a clustered fleet (ADR 0026): cancellation of <paramref name="TaskId"/> was requested. When this worker runs
    /// it, its executor re-reads the task and stops the handler only if S3 says so; otherwise nothing happens.
    /// </summary>
    public sealed record CancelPushed(Guid TaskId) : IWorkerSupervisorMessage;

    /// <summary>Published on the event stream when a task is claimed by this worker.</summary>
    public sealed record TaskStarted(string WorkerId, Guid TaskId, string TaskType, long Attempt);

    internal sealed class DrainExpired
    {
        public static readonly DrainExpired Instance = new();

        private DrainExpired()
        {
        }
    }

    internal sealed class GraceExpired
    {
        public static readonly GraceExpired Instance = new();

        private GraceExpired()
        {
        }
    }

    /// <summary>Props for the supervisor.</summary>
    /// <param name="runtime">The worker's services.</param>
    /// <param name="shards">Initial shards to poll (all, or the configured list; the shard-lease owner narrows them).</param>
    /// <param name="companions">Monitor, registry and shard-lease actors to run beside the poller.</param>
    /// <param name="activity">The worker's activity actor (<see cref="WorkerActivity"/>); null creates one as the child <c>activity</c>.</param>
    public static Props Props(WorkerRuntime runtime, IReadOnlyList<string> shards, WorkerCompanions? companions = null, IActorRef? activity = null) =>
        ActorProps.FromFactory(() => new WorkerSupervisorActor(runtime, shards, companions ?? WorkerCompanions.None, activity));
}

/// <summary>Worker lifecycle phase.</summary>
internal enum WorkerPhase
{
    Running,
    Draining,
    Cancelling,
    Stopped,
}

/// <summary>A snapshot of the supervisor's state.</summary>
internal sealed record WorkerStatus(WorkerPhase Phase, IReadOnlyList<Guid> InFlight, int Claiming, int Free, IReadOnlyDictionary<string, int> PerType);
