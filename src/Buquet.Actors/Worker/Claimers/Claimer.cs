using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.Worker.Claimers;

/// <summary>Protocol of the claimer: one GET + one conditional PUT for one candidate task (INTERNAL API).</summary>
internal static class Claimer
{
    /// <summary>Marker for the claimer's messages.</summary>
    public interface IClaimerMessage;

    /// <summary>To the parent, after the GET: may this worker run one more task of <paramref name="TaskType"/>? Reply <see cref="TypeSlotResult"/>.</summary>
    public sealed record ReserveTypeSlot(Guid TaskId, string TaskType) : IClaimerMessage;

    /// <summary>Reply to <see cref="ReserveTypeSlot"/>.</summary>
    public sealed record TypeSlotResult(bool Granted);

    /// <summary>To the parent: how the claim went; <paramref name="Snapshot"/> (with its ETag) when claimed.</summary>
    public sealed record ClaimResult(Guid TaskId, string? TaskType, ClaimStatus Status, TaskSnapshot? Snapshot, bool TypeSlotReserved, string? Detail) : IClaimerMessage
    {
        public bool Claimed => Status == ClaimStatus.Claimed && Snapshot is not null;
    }

    internal sealed class Start
    {
        public static readonly Start Instance = new();

        private Start()
        {
        }
    }

    /// <summary>Props for a claimer of the task at <paramref name="taskKey"/>.</summary>
    public static Props Props(WorkerRuntime runtime, Guid taskId, string taskKey) =>
        ActorProps.FromFactory(() => new ClaimerActor(runtime, taskId, taskKey));
}

/// <summary>Claim statuses the claimer adds to the repository's: skipped before the CAS.</summary>
internal static class ClaimSkips
{
    public const string Unhandled = "no handler for the task type";
    public const string Declined = "the handler of the task type declines this task (e.g. a workflow type not registered here)";
    public const string TypeAtLimit = "per-type concurrency limit reached";
    public const string Unavailable = "object store unavailable";
}
