using Buquet.Actors.Configuration;
using Akka.Actor;
using Settings = Buquet.Actors.Worker.Maintenance.MaintenanceMonitor.Settings;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Maintenance;
using static Buquet.Actors.Worker.Maintenance.MaintenanceMonitor;

namespace Buquet.Actors.Tests.Worker.Maintenance;

public sealed class MonitorIdleTests : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly Settings Default = new(
        TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), SweepMode.Continuous, 100, 1000, 1000,
        new StoreBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)))
    {
        ScaleIdleWithFleet = true,
    };

    private readonly MaintenanceFixture _f = new();
    private readonly IActorRef _activity;
    private readonly ActorSystem _system;
    private readonly TestProbe _listener;

    public MonitorIdleTests()
    {
        _system = TestActorSystem.Create(_f.Time);
        _activity = _system.ActorOf(WorkerActivity.Props());
        _listener = _system.CreateProbe();
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(Guard);

    private async Task StartIdleInFleetOf10Async()
    {
        _system.ActorOf(MaintenanceMonitor.Props(Default, _f.Repo, MaintenanceFixture.NoJitter, _listener, null, _activity), "monitor");
        await _listener.FishForMessageAsync<CheckCompleted>(_ => true, max: Guard);
        _activity.Tell(new WorkerActivity.SetFleetSize(10));
        _activity.Tell(new WorkerActivity.SetIdle(true));
        var cadence = await _listener.FishForMessageAsync<CadenceChanged>(c => c.CheckInterval == TimeSpan.FromSeconds(300), Guard);
        Assert.Equal(TimeSpan.FromSeconds(3000), cadence.SweepInterval);
    }

    [Fact]
    public async Task Idle_FleetOf10_OneCheckPer300sEachOneList()
    {
        await StartIdleInFleetOf10Async();
        _f.Store.Reset();

        // NoJitter puts the first idle check at half the scaled interval, then every 300 s.
        _f.Advance(TimeSpan.FromSeconds(149));
        await _listener.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        _f.Advance(TimeSpan.FromSeconds(1));
        await _listener.FishForMessageAsync<CheckCompleted>(_ => true, max: Guard);
        for (var i = 0; i < 3; i++)
        {
            _f.Advance(TimeSpan.FromSeconds(300));
            await _listener.FishForMessageAsync<CheckCompleted>(_ => true, max: Guard);
        }

        // 4 checks in 1,050 s: one LIST of leases/ each, no reads, no clock (the first sweep is at 1,500 s).
        var counts = _f.Store.Snapshot();
        Assert.Equal(4, counts[StoreOperation.List]);
        Assert.Equal(4, counts.Total);
    }

    [Fact]
    public async Task ChangedActive_AfterIdle_ChecksWithin30sAndExpiredLeaseRecovered()
    {
        await StartIdleInFleetOf10Async();
        var running = (await _f.RunningAsync()).Task;
        _f.Advance(TimeSpan.FromSeconds(running.TimeoutSeconds + 1 - 140)); // before the first idle check

        _activity.Tell(new WorkerActivity.SetIdle(false));
        await _listener.FishForMessageAsync<CadenceChanged>(c => c.CheckInterval == TimeSpan.FromSeconds(30), Guard);
        _f.Advance(TimeSpan.FromSeconds(140));
        _f.Advance(TimeSpan.FromSeconds(30));

        var check = await _listener.FishForMessageAsync<CheckCompleted>(c => c.Report.Recovered > 0, Guard);
        Assert.Equal(1, check.Report.Recovered);
        Assert.Equal(BuquetTaskStatus.Pending, (await _f.GetAsync(running.Id)).Status);
    }

    [Fact]
    public void Settings_IdleScaled_MultipliesByFleetOnlyWhileIdle()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), Default.CheckIntervalFor(idle: false, fleetSize: 10));
        Assert.Equal(TimeSpan.FromSeconds(300), Default.CheckIntervalFor(idle: true, fleetSize: 10));
        Assert.Equal(TimeSpan.FromSeconds(30), (Default with { ScaleIdleWithFleet = false }).CheckIntervalFor(idle: true, fleetSize: 10));
        Assert.Equal(TimeSpan.Zero, (Default with { SweepInterval = TimeSpan.Zero }).SweepIntervalFor(idle: true, fleetSize: 10));
    }
}
