using Akka.Actor;
using Settings = Buquet.Actors.Worker.Registry.WorkerHeartbeat.Settings;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Maintenance;
using Buquet.Actors.Worker.Registry;
using Microsoft.Extensions.Time.Testing;
using static Buquet.Actors.Worker.Registry.WorkerHeartbeat;

namespace Buquet.Actors.Tests.Worker.Registry;

public sealed class RegistryActorTests : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _store;
    private readonly WorkerRegistry _registry;
    private readonly ActorSystem _system;
    private readonly TestProbe _listener;

    public RegistryActorTests()
    {
        _store = new InMemoryObjectStore(_time);
        _registry = new WorkerRegistry(_store, new StoreClock(_store, _time, TimeSpan.FromHours(1)), "worker-r", () => ["0"]);
        _system = TestActorSystem.Create(_time);
        _listener = _system.CreateProbe();
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(Guard);

    private IActorRef Start() => _system.ActorOf(
        WorkerHeartbeat.Props(_registry, new Settings(Interval, new StoreBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8))), () => 0, _listener), "registry");

    [Fact]
    public async Task Start_RegistersThenHeartbeatsWithCurrentTaskAndCounters()
    {
        var actor = Start();
        var registered = await _listener.ExpectMsgAsync<HeartbeatWritten>(duration: Guard);
        Assert.Equal(registered.Info.StartedAt, registered.Info.LastHeartbeat);
        var task = Guid.Parse("d0000000-0000-4000-8000-000000000004");

        actor.Tell(new TaskStarted(task));
        _time.Advance(Interval);
        var busy = await _listener.ExpectMsgAsync<HeartbeatWritten>(duration: Guard);
        actor.Tell(new TaskFinished(task, Failed: true));
        _time.Advance(Interval);
        var idle = await _listener.ExpectMsgAsync<HeartbeatWritten>(duration: Guard);

        Assert.Equal(task, busy.Info.CurrentTask);
        Assert.Equal(registered.Info.StartedAt + Interval, busy.Info.LastHeartbeat);
        Assert.Null(idle.Info.CurrentTask);
        Assert.Equal(1, idle.Info.TasksFailed);
        var stored = Buquet.Actors.Protocol.Json.ModelJson.ParseWorker((await _store.GetAsync("workers/worker-r.json"))!.Body, "w");
        Assert.Equal(idle.Info.LastHeartbeat, stored.LastHeartbeat);
    }

    [Fact]
    public async Task Deregister_DeletesEntryAndStopsHeartbeats()
    {
        var actor = Start();
        await _listener.ExpectMsgAsync<HeartbeatWritten>(duration: Guard);
        var requester = _system.CreateProbe();

        requester.Send(actor, Deregister.Instance);

        Assert.True((await requester.ExpectMsgAsync<Deregistered>(duration: Guard)).Clean);
        Assert.Null(await _store.GetAsync("workers/worker-r.json"));
        _time.Advance(Interval * 3);
        await actor.UntilProcessedAsync(Guard); // a heartbeat the advance made due has run before this reply
        Assert.False(_listener.HasMessages);
        Assert.Null(await _store.GetAsync("workers/worker-r.json"));
    }
}
