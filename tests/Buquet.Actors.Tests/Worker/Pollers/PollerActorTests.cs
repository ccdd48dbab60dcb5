using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Pollers;

namespace Buquet.Actors.Tests.Worker.Pollers;

public sealed class PollerActorTests
{
    private static readonly TimeSpan IdleMax = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Idle_TenMinutesEmptyQueue_FewListsHintHeadsAndNoClockProbes()
    {
        await using var f = new PollerFixture();
        await f.StartAsync();
        await f.UntilIdleAsync();
        f.Counting.Reset();

        await f.StepAsync(TimeSpan.FromMinutes(10));

        var counts = f.Counting.Snapshot();
        // Full discovery every 2 min (±10 %) and one census per 10 min: about 6 LISTs in 10 minutes.
        Assert.InRange(counts[StoreOperation.List], 4, 8);
        // A fleet of one checks the hint about once per second (hint-interval 1 s, ±10 % jitter).
        Assert.InRange(counts[StoreOperation.Head], 500, 700);
        // No clock/now PUT (and no other write or read) from an idle poller.
        Assert.Equal(0, counts[StoreOperation.Put]);
        Assert.Equal(0, counts[StoreOperation.Get]);
        Assert.True((await f.ActivityAsync()).Idle);
        var perMinuteDollars = ((counts[StoreOperation.List] * 0.005) + (counts[StoreOperation.Head] * 0.0004)) / 1000 / 10;
        Assert.True(perMinuteDollars * 43_200 < 1.5, $"idle discovery costs ${perMinuteDollars * 43_200:F2} per worker-month");
    }

    [Fact]
    public async Task Poll_ActiveAndIdle_SyncsStoreClockOnlyOnce()
    {
        await using var f = new PollerFixture();
        await f.StartAsync();

        await f.StepAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(1, f.StoreClock.SyncCount);
        Assert.Equal(1, f.Counting.Snapshot()[StoreOperation.Put]);
    }

    [Fact]
    public async Task Idle_FleetOfTen_EachWorkerChecksHintEveryTenSeconds()
    {
        await using var f = new PollerFixture();
        for (var i = 0; i < 10; i++)
        {
            await f.Memory.PutAsync($"workers/worker-peer{i}.json", "{}"u8.ToArray(), PutCondition.None);
        }

        await f.StartAsync();
        await f.UntilIdleAsync();
        await f.StepAsync(TimeSpan.FromSeconds(30));
        f.Counting.Reset();

        await f.StepAsync(TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(500));

        Assert.Equal(10, (await f.ActivityAsync()).FleetSize);
        Assert.InRange(f.Counting.Snapshot()[StoreOperation.Head], 26, 34);
    }

    [Fact]
    public async Task Idle_FleetStillStartingAtFirstCensus_CountedAgainWithinAboutAMinute()
    {
        await using var f = new PollerFixture();
        for (var i = 0; i < 3; i++)
        {
            await f.Memory.PutAsync($"workers/worker-peer{i}.json", "{}"u8.ToArray(), PutCondition.None);
        }

        await f.StartAsync();
        await f.UntilIdleAsync();
        await f.StepAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3, (await f.ActivityAsync()).FleetSize);
        for (var i = 3; i < 10; i++)
        {
            await f.Memory.PutAsync($"workers/worker-peer{i}.json", "{}"u8.ToArray(), PutCondition.None);
        }

        // The first count changed the size (1 → 3), so the next one comes after a minute, not the 10-minute interval.
        await f.StepAsync(TimeSpan.FromSeconds(70), TimeSpan.FromMilliseconds(500));
        Assert.Equal(10, (await f.ActivityAsync()).FleetSize);
    }

    [Fact]
    public async Task Idle_AloneAtFirstCensusPeersRegisterLater_CountedAgainWithinAboutAMinute()
    {
        await using var f = new PollerFixture();
        await f.StartAsync();
        await f.UntilIdleAsync();
        await f.StepAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, (await f.ActivityAsync()).FleetSize);
        for (var i = 0; i < 2; i++)
        {
            await f.Memory.PutAsync($"workers/worker-peer{i}.json", "{}"u8.ToArray(), PutCondition.None);
        }

        // The first count found no peer (size 1, as before it), yet it is recounted after a minute, not the interval:
        // a worker idle before its peers registered would otherwise check the hint every second for 10 minutes.
        await f.StepAsync(TimeSpan.FromSeconds(70), TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, (await f.ActivityAsync()).FleetSize);
    }

    [Fact]
    public async Task Idle_HintTouched_PollsWithinAboutASecond()
    {
        await using var f = new PollerFixture();
        await f.StartAsync();
        await f.UntilIdleAsync();
        await f.StepAsync(TimeSpan.FromMinutes(1));
        var id = await f.ReadyKeyAsync("7");

        await f.Hints.NotifyAsync();
        var (batch, after) = await f.StepUntilCandidatesAsync(TimeSpan.FromSeconds(5));

        Assert.Equal([id], batch.Items.Select(c => c.TaskId));
        Assert.True(after <= TimeSpan.FromSeconds(1.2), $"woke after {after}");
        var state = await f.StateAsync();
        Assert.False(state.Idle);
        Assert.Equal(1, state.HintWakeUps);
        Assert.False((await f.ActivityAsync()).Idle);
    }

    [Fact]
    public async Task Idle_TaskWrittenWithoutHint_FoundWithinIdleMaxInterval()
    {
        await using var f = new PollerFixture();
        await f.StartAsync();
        await f.UntilIdleAsync();
        var id = await f.ReadyKeyAsync("c", TimeSpan.FromSeconds(-120));

        var (batch, after) = await f.StepUntilCandidatesAsync(IdleMax * 1.2, TimeSpan.FromMilliseconds(500));

        Assert.Equal([id], batch.Items.Select(c => c.TaskId));
        Assert.True(after <= IdleMax * 1.1 + TimeSpan.FromSeconds(1), $"found after {after}");
        Assert.Equal(0, (await f.StateAsync()).HintWakeUps);
    }

    [Fact]
    public async Task Idle_KeyInFutureBucket_PolledWhenItsMinuteStarts()
    {
        await using var f = new PollerFixture();
        await f.StartAsync();
        await f.UntilIdleAsync();
        var now = f.Clock.GetUtcNow();
        var dueAt = TimeBuckets.Start(TimeBuckets.Number(now) + 5);
        var id = await f.ReadyKeyAsync("3", dueAt - now + TimeSpan.FromSeconds(1));
        await f.Hints.NotifyAsync();

        // The hint wakes the poller; it sees only a future key, goes idle again, and polls when the bucket is due.
        var (batch, after) = await f.StepUntilCandidatesAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMilliseconds(500));

        Assert.Equal([id], batch.Items.Select(c => c.TaskId));
        Assert.InRange(now + after, dueAt, dueAt + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Poll_LightLoadAcrossShards_OneListPerPoll()
    {
        await using var f = new PollerFixture();
        var ids = new[] { await f.ReadyKeyAsync("0"), await f.ReadyKeyAsync("5"), await f.ReadyKeyAsync("f") };
        f.Counting.Reset();

        await f.StartAsync();
        var (batch, _) = await f.StepUntilCandidatesAsync(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10));

        Assert.Equal(ids.Order(), batch.Items.Select(c => c.TaskId).Order());
        Assert.Equal(1, f.Counting.Snapshot()[StoreOperation.List]);
    }

    [Fact]
    public async Task Poll_WorkClaimed_StaysActiveAndNeverIdleWhileTasksInFlight()
    {
        await using var f = new PollerFixture(concurrency: 2);
        var poller = await f.StartAsync();
        await f.ReadyKeyAsync("1");
        var (batch, _) = await f.StepUntilCandidatesAsync(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10));
        await f.Memory.DeleteAsync(TaskKeys.Ready("1", f.Clock.GetUtcNow(), batch.Items[0].TaskId));

        poller.Tell(new Poller.Capacity(1), f.Supervisor);
        poller.Tell(new Poller.BatchResult(1), f.Supervisor);
        await f.StepAsync(TimeSpan.FromMinutes(1));

        Assert.False((await f.StateAsync()).Idle);
        Assert.False((await f.ActivityAsync()).Idle);
    }

    [Fact]
    public async Task Idle_WakeHintsOff_NoHeadRequests()
    {
        await using var f = new PollerFixture(wakeHints: false);
        await f.StartAsync();
        await f.UntilIdleAsync();
        f.Counting.Reset();

        await f.StepAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(1));

        Assert.Equal(0, f.Counting.Snapshot()[StoreOperation.Head]);
        Assert.InRange(f.Counting.Snapshot()[StoreOperation.List], 1, 3);
    }

    [Fact]
    public async Task Idle_IdleMaxIntervalZero_NeverIdle()
    {
        var polling = new WorkerSettings { WorkerId = "x" }.Polling with { IdleMaxInterval = TimeSpan.Zero };
        await using var f = new PollerFixture(polling: polling);
        await f.StartAsync();

        await f.StepAsync(TimeSpan.FromMinutes(1));

        Assert.False((await f.StateAsync()).Idle);
    }
}
