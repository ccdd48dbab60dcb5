using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Tests.Runtime;

/// <summary>
/// Changes a worker activity actor's idle flag and waits until the change has reached its subscribers. A test that
/// tells <see cref="WorkerActivity.SetIdle"/> and then messages a subscriber (or advances virtual time) races the
/// activity actor's own <see cref="WorkerActivity.Changed"/>: Akka orders messages per sender, not across senders.
/// </summary>
internal static class WorkerActivityTestExtensions
{
    /// <summary>
    /// Tells <paramref name="activity"/> the new flag, then asks it for its state: by the reply, every subscriber has the
    /// change in its mailbox. Then waits until each of <paramref name="processedBy"/> has processed it (and set its timers):
    /// <see cref="MailboxBarrier.UntilProcessedAsync"/>.
    /// </summary>
    public static async Task SetIdleAsync(this IActorRef activity, bool idle, TimeSpan guard, params IActorRef[] processedBy)
    {
        activity.Tell(new WorkerActivity.SetIdle(idle));
        var state = await activity.Ask<WorkerActivity.Changed>(WorkerActivity.GetState.Instance, guard);
        if (state.Idle != idle)
        {
            throw new InvalidOperationException($"The activity actor reports idle = {state.Idle} after SetIdle({idle}).");
        }

        foreach (var subscriber in processedBy)
        {
            await subscriber.UntilProcessedAsync(guard);
        }
    }
}
