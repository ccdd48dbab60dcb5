using Buquet.Actors.Kernel;
using Buquet.Actors.Kernel.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Kernel;

public sealed class TimerTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ActorSystem _system;
    private readonly TestProbe _probe;

    public TimerTests()
    {
        _system = TestActorSystem.Create(_clock);
        _probe = new TestProbe(_system);
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(KernelTest.Guard);

    private IActorRef TimerActor() => _system.ActorOf(FuncActor.Props(a =>
    {
        a.On<(string Cmd, string Key, int Seconds)>(c =>
        {
            switch (c.Cmd)
            {
                case "single":
                    a.TimerScheduler.StartSingleTimer(c.Key, "tick:" + c.Key, TimeSpan.FromSeconds(c.Seconds));
                    break;
                case "periodic":
                    a.TimerScheduler.StartPeriodicTimer(c.Key, "tick:" + c.Key, TimeSpan.FromSeconds(c.Seconds));
                    break;
                case "cancel":
                    a.TimerScheduler.Cancel(c.Key);
                    break;
            }

            _probe.Tell(a.TimerScheduler.IsTimerActive(c.Key));
        });
        a.On<string>(s => _probe.Tell(s));
    }));

    [Fact]
    public async Task StartSingleTimer_ClockAdvanced_FiresOnceAndBecomesInactive()
    {
        var actor = TimerActor();
        actor.Tell(("single", "k", 5));
        Assert.True(await _probe.ExpectMsgAsync<bool>());

        _clock.Advance(TimeSpan.FromSeconds(4));
        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("tick:k", await _probe.ExpectMsgAsync<string>());
        _clock.Advance(TimeSpan.FromSeconds(10));
        actor.Tell(("query", "k", 0));
        Assert.False(await _probe.ExpectMsgAsync<bool>());
    }

    [Fact]
    public async Task StartPeriodicTimer_ClockAdvanced_FiresEveryInterval()
    {
        var actor = TimerActor();
        actor.Tell(("periodic", "p", 2));
        Assert.True(await _probe.ExpectMsgAsync<bool>());

        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(2));
            Assert.Equal("tick:p", await _probe.ExpectMsgAsync<string>());
        }
    }

    [Fact]
    public async Task Cancel_ActiveTimer_NeverFires()
    {
        var actor = TimerActor();
        actor.Tell(("single", "k", 5));
        Assert.True(await _probe.ExpectMsgAsync<bool>());

        actor.Tell(("cancel", "k", 0));
        Assert.False(await _probe.ExpectMsgAsync<bool>());
        _clock.Advance(TimeSpan.FromSeconds(10));

        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
    }

    [Fact]
    public async Task StartSingleTimer_KeyRestartedWhileOldTickQueued_StaleTickNotDelivered()
    {
        using var gate = new ManualResetEventSlim();
        var actor = _system.ActorOf(FuncActor.Props(a =>
        {
            a.On<string>(s => a.TimerScheduler.StartSingleTimer("k", "old", TimeSpan.FromSeconds(1)), s => s == "arm");
            a.On<string>(
                _ =>
                {
                    _probe.Tell("blocked");
                    gate.Wait(KernelTest.Guard);
                    a.TimerScheduler.StartSingleTimer("k", "new", TimeSpan.FromSeconds(5));
                },
                s => s == "block");
            a.On<string>(s => _probe.Tell(s));
        }));
        actor.Tell("arm");
        actor.Tell("block");
        Assert.Equal("blocked", await _probe.ExpectMsgAsync<string>());

        _clock.Advance(TimeSpan.FromSeconds(1)); // the "old" tick is now queued behind the blocked handler
        gate.Set();
        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("new", await _probe.ExpectMsgAsync<string>());
        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
    }

    [Fact]
    public async Task Timers_ActorStopped_DoNotFireAndAreReleased()
    {
        var actor = TimerActor();
        actor.Tell(("periodic", "p", 1));
        actor.Tell(("single", "s", 3));
        Assert.True(await _probe.ExpectMsgAsync<bool>());
        Assert.True(await _probe.ExpectMsgAsync<bool>());
        Assert.Equal(2, _system.ActiveTimerCount);
        _probe.Watch(actor);

        _system.Stop(actor);
        await _probe.ExpectMsgAsync<Terminated>();
        _clock.Advance(TimeSpan.FromSeconds(10));

        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
        Assert.Equal(0, _system.ActiveTimerCount);
    }

    [Fact]
    public async Task Timers_ActorRestarted_AreCancelled()
    {
        var actor = _system.ActorOf(FuncActor.Props(a =>
        {
            a.On<string>(_ => a.TimerScheduler.StartPeriodicTimer("p", "tick", TimeSpan.FromSeconds(1)), s => s == "arm");
            a.On<string>(_ => throw new Boom("restart"), s => s == "fail");
            a.On<string>(s => _probe.Tell(s));
        }));
        actor.Tell("arm");
        actor.Tell("fail");
        actor.Tell("after");
        Assert.Equal("after", await _probe.ExpectMsgAsync<string>());

        _clock.Advance(TimeSpan.FromSeconds(5));

        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
        Assert.Equal(0, _system.ActiveTimerCount);
    }

    [Fact]
    public async Task SetReceiveTimeout_IdleAndReset_FiresOnlyAfterIdlePeriod()
    {
        var actor = _system.ActorOf(FuncActor.Props(a =>
        {
            a.Ctx.SetReceiveTimeout(TimeSpan.FromSeconds(10));
            a.On<ReceiveTimeout>(_ => _probe.Tell("timeout"));
            a.On<string>(s => _probe.Tell(s));
        }));

        _clock.Advance(TimeSpan.FromSeconds(6));
        actor.Tell("activity");
        Assert.Equal("activity", await _probe.ExpectMsgAsync<string>());
        _clock.Advance(TimeSpan.FromSeconds(6));
        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
        _clock.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal("timeout", await _probe.ExpectMsgAsync<string>());
    }

    [Fact]
    public void StartPeriodicTimer_ZeroInterval_ThrowsNamingKey()
    {
        var cell = (ActorCell)_system.ActorOf(FuncActor.Props(_ => { }));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => cell.Timers.StartPeriodicTimer("poll", "x", TimeSpan.Zero));
        Assert.Contains("poll", ex.Message, StringComparison.Ordinal);
    }
}
