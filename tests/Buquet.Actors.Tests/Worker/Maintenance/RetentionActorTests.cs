using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Configuration;
using Buquet.Actors.Runtime;
using Buquet.Actors.Worker;
using Buquet.Actors.Tests.Worker;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Worker.Maintenance;
using static Buquet.Actors.Worker.Maintenance.Retention;
using Settings = Buquet.Actors.Worker.Maintenance.Retention.Settings;

namespace Buquet.Actors.Tests.Worker.Maintenance;

public sealed class RetentionActorTests : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly Settings Week = new(
        new RetentionPolicy(TimeSpan.FromDays(7), TimeSpan.FromDays(30), TimeSpan.FromDays(7), TimeSpan.FromDays(7), TimeSpan.Zero),
        TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), 1000, new StoreBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)));

    private readonly MaintenanceFixture _f = new();
    private readonly ActorSystem _system;
    private readonly TestProbe _listener;

    public RetentionActorTests()
    {
        _system = TestActorSystem.Create(_f.Time);
        _listener = _system.CreateProbe();
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(Guard);

    private IReadOnlySet<string> All => _f.Repo.Shards.All.ToHashSet(StringComparer.Ordinal);

    /// <summary>Starts the actor and returns once its PreStart has run (its first timer is set on the fake clock).</summary>
    private async Task<IActorRef> StartAsync(Func<IReadOnlySet<string>>? owned = null, IActorRef? activity = null)
    {
        var actor = _system.ActorOf(Retention.Props(Week, _f.Repo, owned ?? (() => All), MaintenanceFixture.NoJitter, _listener, null, activity), "retention");
        await actor.UntilProcessedAsync(Guard);
        return actor;
    }

    private async Task<Buquet.Actors.Protocol.TaskRecord> OldCompletedAsync()
    {
        var held = await _f.RunningAsync();
        var done = (await _f.Repo.CompleteAsync(held, null)).Snapshot!.Task;
        _f.Advance(TimeSpan.FromDays(8));
        return done;
    }

    [Fact]
    public async Task StepTimer_OldCompletedTask_RemovedThenNextPassAfterPassInterval()
    {
        var task = await OldCompletedAsync();
        await StartAsync();

        _f.Advance(Week.StepInterval);
        var step = await _listener.FishForMessageAsync<StepCompleted>(_ => true, max: Guard);

        Assert.Equal(1, step.Report.Removed);
        Assert.True(step.Report.PassCompleted);
        Assert.Equal(Week.PassInterval, step.Next);
        Assert.False(await _f.ExistsAsync(task.Key));
    }

    [Fact]
    public async Task StepTimer_ShardsNotHeld_NothingRemoved()
    {
        var task = await OldCompletedAsync();
        await StartAsync(() => new HashSet<string>());

        _f.Advance(Week.StepInterval);
        var step = await _listener.FishForMessageAsync<StepCompleted>(_ => true, max: Guard);

        Assert.Equal(0, step.Report.Listed);
        Assert.True(await _f.ExistsAsync(task.Key));
    }

    [Fact]
    public async Task StepTimer_WorkerIdle_StepWaitsUntilActive()
    {
        var task = await OldCompletedAsync();
        var activity = _system.CreateProbe();
        var actor = await StartAsync(activity: activity);
        await activity.ExpectMsgAsync<WorkerActivity.Subscribe>(Guard);
        actor.Tell(new WorkerActivity.Changed(Idle: true, FleetSize: 1));

        _f.Advance(Week.StepInterval);
        await actor.UntilProcessedAsync(Guard); // the due step, if it ran, finished before this reply
        Assert.False(_listener.HasMessages);
        Assert.True(await _f.ExistsAsync(task.Key));

        actor.Tell(new WorkerActivity.Changed(Idle: false, FleetSize: 1));
        var step = await _listener.FishForMessageAsync<StepCompleted>(_ => true, max: Guard);

        Assert.Equal(1, step.Report.Removed);
    }

    [Fact]
    public async Task StepTimer_NoShardHeld_NextStepAfterStepIntervalNotPassInterval()
    {
        await StartAsync(() => new HashSet<string>());

        _f.Advance(Week.StepInterval);
        var step = await _listener.FishForMessageAsync<StepCompleted>(_ => true, max: Guard);

        Assert.Equal(0, step.Report.HeldShards);
        Assert.Equal(Week.StepInterval, step.Next);
    }

    [Fact]
    public void Companions_DefaultOptions_RetentionStarted()
    {
        var runtime = WorkerFactory.CreateRuntime(_f.Store, WorkerHarness.Settings(), new TaskHandlerRegistry(), 1, _f.Time);

        Assert.NotNull(WorkerFactory.Companions(new BuquetOptions(), runtime).Retention);
    }

    [Fact]
    public void Companions_EveryAgeZero_NoRetentionActor()
    {
        var runtime = WorkerFactory.CreateRuntime(_f.Store, WorkerHarness.Settings(), new TaskHandlerRegistry(), 1, _f.Time);
        var options = new BuquetOptions();
        options.Retention.Completed = options.Retention.Failed = options.Retention.Cancelled = options.Retention.Expired = TimeSpan.Zero;

        Assert.Null(WorkerFactory.Companions(options, runtime).Retention);
    }
}
