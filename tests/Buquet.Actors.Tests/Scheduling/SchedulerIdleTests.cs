using Buquet.Actors.Client;
using Buquet.Actors.Coordination;
using Buquet.Actors.Kernel;
using Buquet.Actors.Kernel.TestKit;
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
    private readonly WorkerActivity _activity = new();
    private readonly ActorSystem _system;
    private readonly TestProbe _probe;

    public SchedulerIdleTests()
    {
        _store = new PrefixCountingObjectStore(_f.Memory);
        _system = TestActorSystem.Create(_f.Time);
        _probe = new TestProbe(_system);
        _probe.SubscribeTo<Scheduler.LeaseRoundCompleted>();
        _probe.SubscribeTo<Scheduler.TickCompleted>();
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(Guard);

    /// <summary>Another node holds the leader lease for two hours; this one starts as a standby, idle.</summary>
    private async Task<IActorRef> StartIdleStandbyAsync()
    {
        var other = new ObjectLease(_f.Memory, new StoreClock(_f.Memory, _f.Time), SchedulerNode.LeaseKey, TimeSpan.FromHours(2));
        Assert.True((await other.TryAcquireAsync("other-node")).IsHeld);
        _activity.SetIdle(true);
        var client = new BuquetClient(_store, new BuquetClientOptions(), new StoreClock(_store, _f.Time, TimeSpan.FromSeconds(5)), _f.Time, null);
        var settings = new Scheduler.Settings("standby", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(90), ScheduleExtensions.Default)
        {
            Activity = _activity,
            IdleStandbyInterval = TimeSpan.FromMinutes(5),
        };
        var actor = _system.ActorOf(Scheduler.Props(client, settings), "scheduler");
        Assert.False((await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(timeout: Guard)).IsLeader);
        return actor;
    }

    [Fact]
    public async Task IdleStandby_ThirtyMinutes_OneLeaseReadPer5MinutesNoWritesNoClock()
    {
        await StartIdleStandbyAsync();
        _store.Reset();

        for (var minute = 1; minute <= 30; minute++)
        {
            _f.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Null((await _probe.FishForMessageAsync<Scheduler.TickCompleted>(timeout: Guard)).Report);
        }

        await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(timeout: Guard); // the round of minute 30
        Assert.Equal(6, _store.Count(StoreOperation.Get, "leader")); // active standby: 60 (every 30 s)
        Assert.Equal(0, _store.PutClass("leader") + _store.PutClass("schedules")); // no lease write, no schedules LIST
        Assert.True(_store.Count(StoreOperation.Put, "clock") <= 2, _store.Describe()); // only the estimate's refresh (15 min)
    }

    [Fact]
    public async Task ChangedActive_IdleStandby_BackToRoundsEvery30s()
    {
        var actor = await StartIdleStandbyAsync();

        _activity.SetIdle(false);
        await actor.Ask<Scheduler.StatusResult>(Scheduler.GetStatus.Instance, Guard); // the change is processed before the reply
        _store.Reset();
        for (var i = 0; i < 4; i++)
        {
            _f.Time.Advance(TimeSpan.FromSeconds(30));
            Assert.False((await _probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(timeout: Guard)).IsLeader);
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
}
