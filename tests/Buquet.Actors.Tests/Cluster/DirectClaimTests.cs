using Akka.Actor;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Worker;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Tests.Worker.Idle;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Worker.Pollers;
using Buquet.Actors.Worker.Supervisor;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// The worker's side of ADR 0027 on virtual time, requests counted by key root: a pushed ready key is claimed without
/// a LIST and counted as a push pickup; a hint move a member announced costs an idle worker one look, not a wake-up;
/// a move nobody announced wakes the worker and is relayed once; a relayed move wakes a worker without time passing.
/// </summary>
public sealed class DirectClaimTests : IAsyncDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private readonly WorkerHarness _h;
    private readonly PrefixCountingObjectStore _store;
    private readonly RecordingFleetSignals _signals = new();

    public DirectClaimTests()
    {
        _h = new WorkerHarness();
        _store = new PrefixCountingObjectStore(_h.Memory);
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task TaskReadyPushed_IdleWorker_ClaimsTheKeyWithoutAList()
    {
        var (supervisor, runtime) = await IdleWorkerAsync();
        var task = await SilentClient().SubmitAsync("buquet.echo", new { n = 1 });
        _store.Reset();

        supervisor.Tell(new WorkerSupervisor.TaskReadyPushed(TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id), "buquet.echo"));
        var finished = await _h.Finished.ExpectMsgAsync<Executor.ExecutionFinished>(WorkerHarness.Guard);

        Assert.Equal(task.Id, finished.TaskId);
        Assert.Equal(ExecutionResult.Completed, finished.Outcome);
        Assert.True(_store.Count(StoreOperation.List, "ready") == 0, _store.Describe());
        Assert.Equal(new WorkerPickups(1, 0, 0), runtime.Pickups.Snapshot());
        Assert.True((await PollerStateAsync()).Idle, "a pushed pickup leaves the poller idle");
    }

    [Fact]
    public async Task TaskReadyPushed_TypeWithoutHandler_ReadsNothing()
    {
        var (supervisor, runtime) = await IdleWorkerAsync();
        var task = await SilentClient().SubmitAsync("not-handled-here", new { n = 1 });
        _store.Reset();

        supervisor.Tell(new WorkerSupervisor.TaskReadyPushed(TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id), "not-handled-here"));
        supervisor.Tell(new WorkerSupervisor.TaskReadyPushed("ready/0/not-a-bucket/x", "buquet.echo"));
        await _h.Finished.ExpectNoMsgAsync(Quiet);

        Assert.True(_store.Count(StoreOperation.Get) + _store.Count(StoreOperation.List) == 0, _store.Describe());
        Assert.Equal(0, runtime.Pickups.Snapshot().Total);
    }

    [Fact]
    public async Task HintMoved_NotAnnounced_WakesCountsAHintPickupAndRelaysOnce()
    {
        var (_, runtime) = await IdleWorkerAsync();
        var task = await _h.Client.SubmitAsync("buquet.echo", new { n = 1 }); // a non-member: touches the hint only

        var finished = await _h.PumpUntilAsync(_h.Finished.ExpectMsgAsync<Executor.ExecutionFinished>(WorkerHarness.Guard), TimeSpan.FromMilliseconds(200));

        Assert.Equal(task.Id, finished.TaskId);
        var hint = (await _h.Memory.HeadAsync(WakeHints.Key))!.ETag!;
        Assert.Equal([ETags.Unquote(hint)], _signals.Relayed);
        Assert.Equal(new WorkerPickups(0, 1, 0), runtime.Pickups.Snapshot());
    }

    [Fact]
    public async Task HintMoved_AnnouncedByAMember_OneLookAndTheWorkerStaysIdle()
    {
        var (supervisor, runtime) = await IdleWorkerAsync();
        var member = new WakeHintPublisher(_h.Memory, _h.Clock) { Touched = _signals.HintTouched };
        await member.NotifyAsync(); // its ready key went by push, claimed elsewhere: nothing is left to find
        var etag = Assert.Single(_signals.Touched);
        supervisor.Tell(new WorkerSupervisor.HintMoved(etag, Relayed: false));
        _store.Reset();

        while ((await PollerStateAsync()).MemberHintMoves == 0)
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(200));
        }

        for (var i = 0; i < 25; i++)
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(200)); // 5 s: an active poller would have listed several times
            await PollerStateAsync();
        }

        var state = await PollerStateAsync();
        Assert.True(state.Idle, "an announced move does not wake the worker");
        Assert.True(_store.Count(StoreOperation.List, "ready") == 1, _store.Describe());
        Assert.Equal(0, state.HintWakeUps);
        Assert.Empty(_signals.Relayed);
        Assert.Equal(0, runtime.Pickups.Snapshot().Total);
    }

    [Fact]
    public async Task HintMoved_Relayed_PollsAtOnceAndDoesNotRelayAgain()
    {
        var (supervisor, runtime) = await IdleWorkerAsync();
        var task = await SilentClient().SubmitAsync("buquet.echo", new { n = 1 });

        supervisor.Tell(new WorkerSupervisor.HintMoved("\"from-a-peer\"", Relayed: true));
        var finished = await _h.Finished.ExpectMsgAsync<Executor.ExecutionFinished>(WorkerHarness.Guard);

        Assert.Equal(task.Id, finished.TaskId);
        Assert.Empty(_signals.Relayed);
        Assert.Equal(new WorkerPickups(1, 0, 0), runtime.Pickups.Snapshot());
    }

    /// <summary>A clustered worker (signals recorded) with the built-in handlers, gone idle a minute ago.</summary>
    private async Task<(IActorRef Supervisor, WorkerRuntime Runtime)> IdleWorkerAsync()
    {
        var runtime = WorkerFactory.CreateRuntime(_store, WorkerHarness.Settings(), new TaskHandlerRegistry().AddBuiltIns(_h.Clock), 1, _h.Clock, SeededRandom.Source(7), null, _h.StoreClock, _signals);
        var supervisor = await IdleWorkers.StartAsync(_h, runtime);
        return (supervisor, runtime);
    }

    private BuquetClient SilentClient() => IdleWorkers.SilentClient(_h);

    private Task<Poller.State> PollerStateAsync() =>
        _h.System.ActorSelection($"/user/{WorkerFactory.SupervisorName}/poller-supervisor/poller").Ask<Poller.State>(Poller.GetState.Instance, WorkerHarness.Guard);
}
