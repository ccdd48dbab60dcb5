using Akka.Actor;
using Buquet.Actors.Worker.Pollers;

namespace Buquet.Actors.Tests.Worker.Pollers;

/// <summary>
/// A poller started with shard leasing: no shard until the first lease tick lands, while a task submitted before the
/// worker started waits behind a hint the poller's first HEAD takes as already seen.
/// </summary>
public sealed class PollerStartupTests
{
    [Fact]
    public async Task Poll_ShardsLeasedOnlyAfterIdle_TaskSubmittedBeforeStartFoundWithinASecond()
    {
        await using var f = new PollerFixture();
        var id = await f.ReadyKeyAsync("7");
        await f.Hints.NotifyAsync();
        await f.StartAsync(shards: []);
        await f.UntilIdleAsync(); // a slow first lease tick: the shard-less empty polls count into idle first

        f.Actor!.Tell(new Poller.SetShards(f.Runtime.Repository.Shards.All));
        var (batch, after) = await f.StepUntilCandidatesAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([id], batch.Items.Select(c => c.TaskId));
        Assert.True(after <= TimeSpan.FromSeconds(1), $"found after {after}");
        Assert.Equal(0, (await f.StateAsync()).HintWakeUps);
    }

    [Fact]
    public async Task Poll_NoShardYetWhenGoingIdle_OneFullListAtOnceThenIdleCadence()
    {
        await using var f = new PollerFixture();
        await f.StartAsync(shards: []);
        await f.UntilIdleAsync();
        await f.StepAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await f.StateAsync()).Polls);

        await f.StepAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(1, (await f.StateAsync()).Polls);
    }
}
