using Akka.Actor;
using Settings = Buquet.Actors.Worker.Registry.WorkerHeartbeat.Settings;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Worker.Idle;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Maintenance;
using Buquet.Actors.Worker.Registry;
using Microsoft.Extensions.Time.Testing;
using static Buquet.Actors.Worker.Registry.WorkerHeartbeat;

namespace Buquet.Actors.Tests.Worker.Registry;

public sealed class RegistryIdleTests : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly Settings Cadence = new(TimeSpan.FromSeconds(10), new StoreBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)))
    {
        IdleHeartbeatInterval = TimeSpan.FromSeconds(50),
    };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly PrefixCountingObjectStore _store;
    private readonly IActorRef _activity;
    private readonly ActorSystem _system;
    private readonly TestProbe _listener;
    private readonly IActorRef _actor;

    public RegistryIdleTests()
    {
        _store = new PrefixCountingObjectStore(new InMemoryObjectStore(_time));
        var registry = new WorkerRegistry(_store, new StoreClock(_store, _time, TimeSpan.FromSeconds(5)), "worker-i", () => []);
        _system = TestActorSystem.Create(_time);
        _activity = _system.ActorOf(WorkerActivity.Props());
        _listener = _system.CreateProbe();
        _actor = _system.ActorOf(WorkerHeartbeat.Props(registry, Cadence, () => 0, _listener, null, _activity), "registry");
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(Guard);

    private async Task GoIdleAsync()
    {
        await _listener.ExpectMsgAsync<HeartbeatWritten>(duration: Guard); // registration
        await _activity.SetIdleAsync(true, Guard, _actor);
        _actor.Tell(Heartbeat.Instance); // after the change: the idle period starts here
        await _listener.ExpectMsgAsync<HeartbeatWritten>(duration: Guard);
        _store.Reset();
    }

    [Fact]
    public async Task Idle_TenMinutes_OneHeartbeatPer50sAndNoClockRequests()
    {
        await GoIdleAsync();

        _time.Advance(TimeSpan.FromSeconds(49));
        await _listener.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        _time.Advance(TimeSpan.FromSeconds(1));
        await _listener.ExpectMsgAsync<HeartbeatWritten>(duration: Guard);
        for (var i = 1; i < 12; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(50));
            await _listener.ExpectMsgAsync<HeartbeatWritten>(duration: Guard);
        }

        // 10 minutes: 12 PUTs of workers/worker-i.json (1.2 per minute), nothing else: timestamps come from the estimate.
        Assert.Equal(12, _store.Count(StoreOperation.Put, "workers"));
        Assert.Equal(12, _store.Counts.Values.Sum());
        var written = Buquet.Actors.Protocol.Json.ModelJson.ParseWorker((await _store.GetAsync("workers/worker-i.json"))!.Body, "w");
        Assert.Equal(_time.GetUtcNow(), written.LastHeartbeat);
    }

    [Fact]
    public async Task ChangedActive_AfterIdle_HeartbeatAtOnceThenEvery10s()
    {
        await GoIdleAsync();
        _time.Advance(TimeSpan.FromSeconds(30));

        _activity.Tell(new WorkerActivity.SetIdle(false));

        await _listener.ExpectMsgAsync<HeartbeatWritten>(duration: Guard); // no time advanced: written on the change
        _time.Advance(TimeSpan.FromSeconds(10));
        await _listener.ExpectMsgAsync<HeartbeatWritten>(duration: Guard);
        _time.Advance(TimeSpan.FromSeconds(10));
        await _listener.ExpectMsgAsync<HeartbeatWritten>(duration: Guard);
    }

    [Fact]
    public void Settings_IdleBelowActive_Refused()
    {
        var bad = Cadence with { IdleHeartbeatInterval = TimeSpan.FromSeconds(5) };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => bad.Validate());

        Assert.Equal("IdleHeartbeatInterval", error.ParamName);
    }
}
