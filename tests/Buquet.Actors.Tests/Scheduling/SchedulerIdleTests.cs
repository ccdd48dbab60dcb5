using Buquet.Actors.Client;
using Buquet.Actors.Coordination;
using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Worker.Idle;
using Buquet.Actors.Worker;

namespace Buquet.Actors.Tests.Scheduling;

public sealed class SchedulerIdleTests : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private readonly SchedulingFixture _f = new();
    private readonly PrefixCountingObjectStore _store;
    private readonly IActorRef _activity;
    private readonly ActorSystem _system;
    private readonly TestProbe _probe;

    public SchedulerIdleTests()
    {
        _store = new PrefixCountingObjectStore(_f.Memory);
        _system = TestActorSystem.Create(_f.Time);
        _activity = _system.ActorOf(WorkerActivity.Props());
        _probe = _system.CreateProbe();
        _probe.SubscribeTo<Scheduler.LeaseRoundCompleted>();
        _probe.SubscribeTo<Scheduler.TickCompleted>();
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(Guard);

    /// <summary>Another node holds the leader lease for two hours; this one starts as a standby, idle.</summary>
    private async Task<IActorRef> StartIdleStandbyAsync(bool otherHoldsTwoHours = true)
    {
        if (otherHoldsTwoHours)
        {
            var other = new ObjectLease(_f.Memory, new StoreClock(_f.Memory, _f.Time), SchedulerNode.LeaseKey, TimeSpan.FromHours(2));
            Assert.True((await other.TryAcquireAsync("other-node")).IsHeld);
        }

        _activity.Tell(new WorkerActivity.SetIdle(true));
        var client = new BuquetClient(_store, new BuquetClientOptions(), new StoreClock(_store, _f.Time, TimeSpan.FromSeconds(5)), _f.Time, null);
        var settings = new Scheduler.Settings("standby", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(90), ScheduleExtensions.Default)
        {
            Activity = _activity,
            IdleStandbyInterval = TimeSpan.FromMinutes(5),
        };
        var actor = _system.ActorOf(Scheduler.Props(client, settings), "scheduler");
        Assert.False((await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(_ => true, max: Guard)).IsLeader);
        await _activity.SetIdleAsync(true, Guard, actor); // the subscription's idle state is processed
        return actor;
    }

    [Fact]
    public async Task IdleStandby_ThirtyMinutes_OneLeaseReadPer5MinutesNoWritesNoClock()
    {
        var actor = await StartIdleStandbyAsync();
        _store.Reset();

        for (var i = 1; i <= 6; i++)
        {
            _f.Time.Advance(TimeSpan.FromMinutes(5)); // the standby ticks too (every minute): a no-op without the lease
            Assert.False((await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(_ => true, max: Guard)).IsLeader);
        }

        Assert.Equal(6, _store.Count(StoreOperation.Get, "leader")); // active standby: 60 (every 30 s)
        Assert.Equal(0, _store.PutClass("leader") + _store.PutClass("schedules")); // no lease write, no schedules LIST
        Assert.True(_store.Count(StoreOperation.Put, "clock") <= 2, _store.Describe()); // only the estimate's refresh (15 min)
    }

    [Fact]
    public async Task ChangedActive_IdleStandby_BackToRoundsEvery30s()
    {
        var actor = await StartIdleStandbyAsync();

        await _activity.SetIdleAsync(false, Guard, actor); // the change is processed (timers set) before time moves
        _store.Reset();
        for (var i = 0; i < 4; i++)
        {
            _f.Time.Advance(TimeSpan.FromSeconds(30));
            Assert.False((await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(_ => true, max: Guard)).IsLeader);
        }

        Assert.Equal(4, _store.Count(StoreOperation.Get, "leader"));
    }

    [Fact]
    public async Task IdleStandby_LeaderLeaseExpires_TakesOverAtNextIdleRound()
    {
        await StartIdleStandbyAsync();

        _f.Time.Advance(TimeSpan.FromHours(2));
        var round = await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(r => r.IsLeader, Guard);

        Assert.NotNull(round.FencingToken);
    }

    [Fact]
    public async Task IdleLeader_RenewsAtOnceWithFiveMinuteTermThenEvery100s()
    {
        var client = new BuquetClient(_store, new BuquetClientOptions(), new StoreClock(_store, _f.Time, TimeSpan.FromSeconds(5)), _f.Time, null);
        var settings = new Scheduler.Settings("leader", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(90), ScheduleExtensions.Default)
        {
            Activity = _activity,
            IdleLeaderLeaseTtl = TimeSpan.FromMinutes(5),
        };
        _system.ActorOf(Scheduler.Props(client, settings), "scheduler");
        Assert.True((await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(_ => true, max: Guard)).IsLeader);

        _activity.Tell(new WorkerActivity.SetIdle(true));
        Assert.True((await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(_ => true, max: Guard)).IsLeader); // at once
        var lease = new ObjectLease(_f.Memory, new StoreClock(_f.Memory, _f.Time), SchedulerNode.LeaseKey, TimeSpan.FromSeconds(90));
        Assert.Equal(_f.Time.GetUtcNow() + TimeSpan.FromMinutes(5), (await lease.ReadAsync())!.Value.Record.ExpiresAt);
        _store.Reset();

        for (var i = 0; i < 6; i++)
        {
            _f.Time.Advance(TimeSpan.FromSeconds(100));
            Assert.True((await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(_ => true, max: Guard)).IsLeader);
        }

        // 10 minutes: 6 renewals (active: 20); with no schedule the idle leader ticks every 5 minutes (active: 10).
        Assert.Equal(6, _store.Count(StoreOperation.Put, "leader"));
        Assert.InRange(_store.Count(StoreOperation.List, "schedules"), 1, 3);

        // Active again (a schedule written with a wake-up hint makes the pollers active): a tick at once.
        _store.Reset();
        _activity.Tell(new WorkerActivity.SetIdle(false));
        while (_store.Count(StoreOperation.List, "schedules") == 0)
        {
            await _probe.FishForMessageAsync<Scheduler.TickCompleted>(_ => true, max: Guard); // no virtual time passes here
        }
    }

    [Fact]
    public async Task CreateAsync_Schedule_TouchesTheWakeHintSoAnIdleFleetLooks()
    {
        var client = new BuquetClient(_store, new BuquetClientOptions(), new StoreClock(_store, _f.Time, TimeSpan.FromSeconds(5)), _f.Time, null);
        await new ScheduleClient(client, _store).CreateAsync(new ScheduleSpec("nightly", "buquet.echo", "0 3 * * *"));
        await client.Repository.WakeHints!.WhenTouchedAsync();
        Assert.Equal(1, _store.Count(StoreOperation.Put, "hints"));
    }

    [Fact]
    public async Task IdleLeaderCrashes_IdleStandbyTakesOverWithinTermPlusStandbyInterval()
    {
        var other = new ObjectLease(_f.Memory, new StoreClock(_f.Memory, _f.Time), SchedulerNode.LeaseKey, TimeSpan.FromSeconds(90));
        var grant = (await other.TryAcquireAsync("crashed-leader")).Grant!;
        var renewed = await other.RenewAsync(grant, ttl: TimeSpan.FromMinutes(5));
        Assert.True(renewed.IsHeld, renewed.ToString()); // its last idle renewal
        await StartIdleStandbyAsync(otherHoldsTwoHours: false);

        var taken = false;
        var elapsed = TimeSpan.Zero;
        while (!taken)
        {
            _f.Time.Advance(TimeSpan.FromMinutes(1));
            elapsed += TimeSpan.FromMinutes(1);
            Assert.True(elapsed <= TimeSpan.FromMinutes(10), "the standby did not take over within 5 + 5 minutes");
            var message = await _probe.FishForMessageAsync<object>(m => m is Scheduler.TickCompleted or Scheduler.LeaseRoundCompleted, Guard);
            taken = message is Scheduler.LeaseRoundCompleted { IsLeader: true };
        }
    }

    [Fact]
    public async Task IdleStandby_LeaderWithNormalTermDies_TakesOverJustAfterItsTermNotAfter5Minutes()
    {
        var other = new ObjectLease(_f.Memory, new StoreClock(_f.Memory, _f.Time), SchedulerNode.LeaseKey, TimeSpan.FromSeconds(90));
        Assert.True((await other.TryAcquireAsync("dead-leader")).IsHeld); // a leader with schedules: 90 s terms; it dies now
        var actor = await StartIdleStandbyAsync(otherHoldsTwoHours: false);

        var elapsed = TimeSpan.Zero;
        var leads = false;
        while (!leads)
        {
            _f.Time.Advance(TimeSpan.FromSeconds(10));
            elapsed += TimeSpan.FromSeconds(10);
            Assert.True(elapsed <= TimeSpan.FromSeconds(120), "the idle standby waited past the dead leader's term");
            leads = (await actor.Ask<Scheduler.StatusResult>(Scheduler.GetStatus.Instance, Guard)).IsLeader; // after any due round
        }
    }

    [Fact]
    public async Task IdleLeaderWithSchedules_KeepsNormalTermEvery30s()
    {
        await _f.Client.Schedules.CreateAsync(new ScheduleSpec("nightly", "t", "0 3 * * *"));
        var client = new BuquetClient(_store, new BuquetClientOptions(), new StoreClock(_store, _f.Time, TimeSpan.FromSeconds(5)), _f.Time, null);
        var settings = new Scheduler.Settings("leader", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(90), ScheduleExtensions.Default) { Activity = _activity };
        var actor = _system.ActorOf(Scheduler.Props(client, settings), "scheduler");
        var seen = new List<object>();
        while (seen.LastOrDefault() is not Scheduler.TickCompleted)
        {
            seen.Add(await _probe.ReceiveOneAsync(TimeSpan.FromSeconds(3)) ?? throw new TestKitException(string.Join("; ", seen)));
        }

        Assert.True(seen[^1] is Scheduler.TickCompleted { Report.Schedules: 1 }, string.Join("; ", seen));

        await _activity.SetIdleAsync(true, Guard, actor); // the idle change is processed (timers set) before time moves
        _store.Reset();
        for (var i = 0; i < 4; i++)
        {
            _f.Time.Advance(TimeSpan.FromSeconds(30));
            Assert.True((await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(_ => true, max: Guard)).IsLeader);
        }

        var lease = new ObjectLease(_f.Memory, new StoreClock(_f.Memory, _f.Time), SchedulerNode.LeaseKey, TimeSpan.FromSeconds(90));
        Assert.Equal(_f.Time.GetUtcNow() + TimeSpan.FromSeconds(90), (await lease.ReadAsync())!.Value.Record.ExpiresAt);
    }

    [Fact]
    public async Task IdleLeaderSlowTick_FindsScheduleWrittenWithoutHint_TicksEveryIntervalAgain()
    {
        var client = new BuquetClient(_store, new BuquetClientOptions(), new StoreClock(_store, _f.Time, TimeSpan.FromSeconds(5)), _f.Time, null);
        var settings = new Scheduler.Settings("leader", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(90), ScheduleExtensions.Default)
        {
            Activity = _activity,
            IdleTickInterval = TimeSpan.FromMinutes(5),
        };
        var actor = _system.ActorOf(Scheduler.Props(client, settings), "scheduler");
        Assert.True((await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(_ => true, max: Guard)).IsLeader);
        await _activity.SetIdleAsync(true, Guard, actor);
        await AdvanceUntilAsync(actor, _ => false, TimeSpan.FromMinutes(2), throwAtLimit: false); // an idle tick with nothing scheduled: slow ticks
        Assert.True((await actor.Ask<Scheduler.StatusResult>(Scheduler.GetStatus.Instance, Guard)).LastTick is { Schedules: 0 });

        // A peer (no wake-up hint: the worker stays idle) creates a schedule due every minute.
        await new ScheduleClient(new BuquetClient(_f.Memory, new BuquetClientOptions(), new StoreClock(_f.Memory, _f.Time), _f.Time, null), _f.Memory)
            .CreateAsync(new ScheduleSpec("minutely", "buquet.echo", "* * * * *"));
        await AdvanceUntilAsync(actor, s => s.LastTick is { Schedules: 1 }, TimeSpan.FromMinutes(6)); // the slow tick finds it

        var before = (await _f.TasksAsync("buquet.echo")).Count;
        await AdvanceUntilAsync(actor, _ => false, TimeSpan.FromMinutes(3), throwAtLimit: false);

        // Every minute's slot fires while the worker stays idle (before the fix the spent idle timer left no tick at all).
        Assert.InRange((await _f.TasksAsync("buquet.echo")).Count - before, 3, 4);
    }

    /// <summary>Advances virtual time in 20 s steps (each followed by a status round trip, so due timers' work is done)
    /// until <paramref name="done"/> holds or <paramref name="limit"/> passes.</summary>
    private async Task AdvanceUntilAsync(IActorRef actor, Func<Scheduler.StatusResult, bool> done, TimeSpan limit, bool throwAtLimit = true)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < limit; elapsed += TimeSpan.FromSeconds(20))
        {
            _f.Time.Advance(TimeSpan.FromSeconds(20));
            if (done(await actor.Ask<Scheduler.StatusResult>(Scheduler.GetStatus.Instance, Guard)))
            {
                return;
            }
        }

        Assert.False(throwAtLimit, $"condition not met within {limit} of virtual time");
    }
}
