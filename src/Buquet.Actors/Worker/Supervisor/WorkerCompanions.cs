using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Worker.Supervisor;

/// <summary>
/// The optional actors the supervisor starts beside the poller, each under a backoff supervisor: the maintenance
/// monitor, the registry heartbeat, and the shard-lease owner (given the supervisor as its subscriber; when present
/// the poller polls only the shards it reports), and the retention of finished tasks.
/// </summary>
internal sealed record WorkerCompanions(Func<IActorRef, Props>? Monitor = null, Func<IActorRef, Props>? Registry = null, Func<IActorRef, IActorRef, Props>? ShardLease = null, Func<IActorRef, Props>? Retention = null)
{
    public static WorkerCompanions None { get; } = new();
}
