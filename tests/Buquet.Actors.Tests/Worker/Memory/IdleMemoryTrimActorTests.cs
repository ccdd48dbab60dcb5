using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Memory;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Worker.Memory;

public sealed class IdleMemoryTrimActorTests : IAsyncDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero));
    private readonly ActorSystem _system;
    private readonly IActorRef _activity;
    private readonly TestProbe _probe;
    private readonly IActorRef _trim;
    private int _trims;

    public IdleMemoryTrimActorTests()
    {
        _system = TestActorSystem.Create(_time);
        _activity = _system.ActorOf(WorkerActivity.Props());
        _probe = _system.CreateProbe("trims");
        _trim = _system.ActorOf(IdleMemoryTrim.Props(_activity, new IdleMemoryTrim.Settings(Settle), () => Interlocked.Increment(ref _trims), _probe), "trim");
    }

    public async ValueTask DisposeAsync() => await _system.Terminate();

    /// <summary>Advances virtual time a second at a time until the next trim; returns the virtual time it took.</summary>
    private async Task<TimeSpan> UntilTrimmedAsync()
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            if (await _probe.TryReceiveAsync<IdleMemoryTrim.Trimmed>(TimeSpan.FromMilliseconds(20)) is not null)
            {
                return waited;
            }

            Assert.True(waited < TimeSpan.FromMinutes(1), "no trim within a minute of virtual time");
            _time.Advance(TimeSpan.FromSeconds(1));
            waited += TimeSpan.FromSeconds(1);
        }
    }

    [Fact]
    public async Task Idle_SettleDelayPassed_TrimsOncePerIdlePeriod()
    {
        _activity.Tell(new WorkerActivity.SetIdle(true));
        Assert.True(await UntilTrimmedAsync() >= Settle);
        Assert.Equal(1, _trims);

        // Still idle: no second trim. Active, then idle again: one more.
        _time.Advance(TimeSpan.FromMinutes(5));
        await NoTrimDueAsync();
        _activity.Tell(new WorkerActivity.SetIdle(false));
        _activity.Tell(new WorkerActivity.SetIdle(true));
        await UntilTrimmedAsync();
        Assert.Equal(2, _trims);
    }

    [Fact]
    public async Task Idle_ActiveAgainBeforeSettling_NoTrim()
    {
        await _activity.SetIdleAsync(true, Guard, _trim);
        _time.Advance(Settle / 2);
        await _activity.SetIdleAsync(false, Guard, _trim);
        _time.Advance(Settle * 3);
        await NoTrimDueAsync();
        Assert.Equal(0, _trims);
    }

    /// <summary>
    /// Asserts that no trim ran: a settle timer the last advance fired is in the actor's mailbox already, so once the
    /// actor has processed its mailbox its trim (and the Trimmed told to the probe) would have happened.
    /// </summary>
    private async Task NoTrimDueAsync()
    {
        await _trim.UntilProcessedAsync(Guard);
        Assert.False(_probe.HasMessages, "a trim ran");
    }
}
