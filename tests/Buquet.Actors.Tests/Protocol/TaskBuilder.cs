using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;

namespace Buquet.Actors.Tests.Protocol;

internal static class TaskBuilder
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 28, 12, 0, 0, TimeSpan.Zero);

    public static TaskRecord Pending(Guid? id = null, DateTimeOffset? availableAt = null)
    {
        var taskId = id ?? Guid.NewGuid();
        return TaskTransitions.Submit(new SubmitSpec(taskId, Shards.For(taskId, 1), "echo", null) { RunAt = availableAt }, T0);
    }

    public static TaskRecord Running(Guid leaseId, DateTimeOffset? now = null) =>
        TaskTransitions.Claim(Pending(), now ?? T0, new ClaimRequest("w1", leaseId)).Task!;
}
