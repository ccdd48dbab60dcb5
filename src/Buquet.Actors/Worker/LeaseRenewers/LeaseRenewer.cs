using Akka.Actor;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.Worker.LeaseRenewers;

/// <summary>Protocol of the lease renewer: the actor beside each executor that keeps the task's lease alive (INTERNAL API).</summary>
internal static class LeaseRenewer
{
    /// <summary>Marker for the renewer's messages.</summary>
    public interface ILeaseRenewerMessage;

    /// <summary>Handler-initiated extension (TaskContext.ExtendLeaseAsync); replies <see cref="ExtendLeaseResult"/>.</summary>
    public sealed record ExtendLease(TimeSpan Extra) : ILeaseRenewerMessage;

    /// <summary>Reply to <see cref="ExtendLease"/>: the new lease expiry, or null when the lease is lost.</summary>
    public sealed record ExtendLeaseResult(DateTimeOffset? NewExpiry);

    /// <summary>To the executor: the lease was written; the snapshot carries the new ETag.</summary>
    public sealed record LeaseRenewed(TaskSnapshot Snapshot, DateTimeOffset TrustedUntil, DateTimeOffset StoreNow, bool DeadlineExtended) : ILeaseRenewerMessage;

    /// <summary>To the executor: the lease is no longer ours (or can no longer be trusted): cancel and never commit.</summary>
    public sealed record LeaseLost(string Reason) : ILeaseRenewerMessage;

    /// <summary>To the executor: someone set <c>cancel_requested</c> on the running task.</summary>
    public sealed class CancelRequested : ILeaseRenewerMessage
    {
        public static readonly CancelRequested Instance = new();

        private CancelRequested()
        {
        }
    }

    internal sealed class RenewTick
    {
        public static readonly RenewTick Instance = new();

        private RenewTick()
        {
        }
    }

    /// <summary>Props for a renewer of <paramref name="claimed"/>, reporting to <paramref name="executor"/>.</summary>
    public static Props Props(WorkerRuntime runtime, TaskSnapshot claimed, DateTimeOffset claimedAt, IActorRef executor) =>
        ActorProps.FromFactory(() => new LeaseRenewerActor(runtime, claimed, claimedAt, executor));
}
