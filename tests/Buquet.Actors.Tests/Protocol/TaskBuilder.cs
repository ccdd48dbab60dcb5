using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;

namespace Buquet.Actors.Tests.Protocol;

internal static class TaskBuilder
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 28, 12, 0, 0, TimeSpan.Zero);

    public static TaskRecord Pending(Guid? id = null, DateTimeOffset? availableAt = null) =>
        TaskTransitions.Submit(new SubmitSpec(id ?? Guid.NewGuid(), "a", "echo", null) { RunAt = availableAt }, T0) is var t && id is null
            ? t with { Shard = Shards.For(t.Id, 1) }
            : t with { Shard = Shards.For(t.Id, 1) };

    public static TaskRecord Running(Guid leaseId, DateTimeOffset? now = null) =>
        TaskTransitions.Claim(Pending(), now ?? T0, new ClaimRequest("w1", leaseId)).Task!;
}
