using Buquet.Actors.Configuration;
using Akka.Actor;
using Akka.Pattern;
using Settings = Buquet.Actors.Worker.Maintenance.MaintenanceMonitor.Settings;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Tests.Worker.ShardLeases;
using Buquet.Actors.Worker.Maintenance;
using static Buquet.Actors.Worker.Maintenance.MaintenanceMonitor;

namespace Buquet.Actors.Tests.Worker.Maintenance;

public sealed class MonitorActorTests : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly Settings Fast = new(
        TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), SweepMode.Continuous, 100, 1000, 1000,
        new StoreBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)));

    private readonly MaintenanceFixture _f = new();
    private readonly ActorSystem _system;
    private readonly TestProbe _listener;

    public MonitorActorTests()
    {
        _system = TestActorSystem.Create(_f.Time);
        _listener = _system.CreateProbe();
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(Guard);

    private IActorRef StartMonitor(Settings? settings = null, TaskRepository? repo = null) =>
        _system.ActorOf(MaintenanceMonitor.Props(settings ?? Fast, repo ?? _f.Repo, MaintenanceFixture.NoJitter, _listener), "monitor");

    [Fact]
    public async Task Start_ExpiredLeaseAlready_RecoveredByFirstCheck()
    {
        var running = (await _f.RunningAsync()).Task;
        _f.Advance(TimeSpan.FromSeconds(running.TimeoutSeconds + 1));

        StartMonitor();

        var done = await _listener.FishForMessageAsync<CheckCompleted>(_ => true, max: Guard);
        Assert.Equal(1, done.Report.Recovered);
        Assert.Equal(BuquetTaskStatus.Pending, (await _f.GetAsync(running.Id)).Status);
    }

    [Fact]
    public async Task CheckTimer_LeaseExpiresLater_RecoveredByPeriodicCheck()
    {
        StartMonitor();
        await _listener.FishForMessageAsync<CheckCompleted>(_ => true, max: Guard);
        var running = (await _f.RunningAsync()).Task;

        CheckCompleted? recovered = null;
        for (var i = 0; i < 12 && recovered is null; i++)
        {
            _f.Advance(Fast.CheckInterval);
            var report = await _listener.FishForMessageAsync<CheckCompleted>(_ => true, max: Guard);
            recovered = report.Report.Recovered > 0 ? report : null;
        }

        Assert.NotNull(recovered);
        Assert.Equal(1, (await _f.GetAsync(running.Id)).RetryCount);
    }

    [Fact]
    public async Task SweepTimer_PendingTaskWithoutReadyKey_MadeClaimable()
    {
        StartMonitor();
        await _listener.FishForMessageAsync<CheckCompleted>(_ => true, max: Guard);
        var hidden = _f.NewPending();
        await _f.WriteWithoutIndexAsync(hidden);

        _f.Advance(Fast.SweepInterval);

        var sweep = await _listener.FishForMessageAsync<SweepCompleted>(_ => true, max: Guard);
        Assert.Equal(1, sweep.Report.ReadyKeysCreated);
        Assert.True((await _f.Repo.ClaimAsync(hidden.Id, "w9")).Claimed);
    }

    [Fact]
    public async Task StoreDown_BacksOffWithoutCrashing_ThenRecovers()
    {
        var outage = new OutageObjectStore(_f.Inner) { Down = true };
        var repo = new TaskRepository(outage, new StoreClock(outage, _f.Time, TimeSpan.FromHours(1)));
        var pending = TaskTransitions.Claim(_f.NewPending(), _f.Now, new ClaimRequest("w1", Guid.NewGuid())).Task!;
        await _f.Repo.CreateAsync(pending with { Status = BuquetTaskStatus.Pending, LeaseId = null, LeaseExpiresAt = null, WorkerId = null, Attempt = 0 });
        var claimed = await _f.Repo.ClaimAsync(pending.Id, "w1");
        Assert.True(claimed.Claimed);
        _f.Advance(TimeSpan.FromSeconds(301));
        var monitor = StartMonitor(repo: repo);

        var first = await _listener.FishForMessageAsync<StoreUnavailable>(_ => true, max: Guard);
        Assert.Equal("check", first.Activity);
        Assert.InRange(first.RetryIn, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.2));
        _f.Advance(first.RetryIn);
        var second = await _listener.FishForMessageAsync<StoreUnavailable>(_ => true, max: Guard);
        Assert.InRange(second.RetryIn, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4)); // exponential

        outage.Down = false;
        _f.Advance(second.RetryIn);
        var done = await _listener.FishForMessageAsync<CheckCompleted>(_ => true, max: Guard);

        Assert.Equal(1, done.Report.Recovered);
        Assert.Equal(monitor.Path, _listener.LastSender!.Path); // the same actor: it never crashed
    }

    [Fact]
    public async Task Supervised_UnexpectedFailure_RestartedAfterBackoffAndRecovers()
    {
        var broken = new OutageObjectStore(_f.Inner) { Down = true, Fault = () => new InvalidOperationException("bug in a dependency") };
        var repo = new TaskRepository(broken, new StoreClock(_f.Inner, _f.Time, TimeSpan.FromHours(1)));
        var running = (await _f.RunningAsync()).Task;
        _f.Advance(TimeSpan.FromSeconds(301));
        var supervisor = _system.ActorOf(MaintenanceSupervision.Supervised(MaintenanceMonitor.Props(Fast, repo, MaintenanceFixture.NoJitter, _listener), "monitor", randomFactor: 0), "supervisor");

        // The first check crashes the child; wait until the supervisor has scheduled its restart (signal, not sleep).
        var started = TimeProvider.System.GetTimestamp();
        while ((await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, Guard)).Count == 0)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < Guard, "the monitor never crashed");
        }

        Assert.False(_listener.HasMessages); // nothing was reported by the crashed child

        broken.Down = false;
        _f.Advance(MaintenanceSupervision.MinBackoff);
        var done = await _listener.FishForMessageAsync<CheckCompleted>(_ => true, max: Guard);

        Assert.Equal(1, done.Report.Recovered);
        Assert.Equal(BuquetTaskStatus.Pending, (await _f.GetAsync(running.Id)).Status);
    }

    [Fact]
    public void Settings_FromOptions_UsesMonitorSection_AndRejectsBadInterval()
    {
        var s = Settings.FromOptions(new MonitorOptions { CheckInterval = TimeSpan.FromSeconds(7), MaxTasksPerScan = 5 });
        Assert.Equal(TimeSpan.FromSeconds(7), s.CheckInterval);
        Assert.Equal(5, s.MaxTasksPerScan);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Settings.FromOptions(new MonitorOptions { CheckInterval = TimeSpan.Zero }));
        Assert.Contains("CheckInterval", ex.Message, StringComparison.Ordinal);
    }
}
