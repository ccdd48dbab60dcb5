using Akka;
using Akka.Actor;
using Akka.Pattern;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Runtime;

/// <summary>Akka's actor timers, receive timeouts and backoff restarts on a <see cref="FakeTimeProvider"/>.</summary>
public sealed class AkkaTimersTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan OneMs = TimeSpan.FromMilliseconds(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly ActorTestSystem _test;
    private readonly TestProbe _control;
    private readonly TestProbe _ticks;

    public AkkaTimersTests()
    {
        _test = new ActorTestSystem(_clock);
        _control = _test.Probe("control");
        _ticks = _test.Probe("ticks");
    }

    public void Dispose() => _test.Dispose();

    private async Task<IActorRef> TimerActorAsync()
    {
        var ticks = _ticks.Ref;
        var actor = _test.System.ActorOf(ActorProps.FromFactory(() => new TimerActor(ticks)), "timers");
        await CommandAsync(actor, new Sync());
        return actor;
    }

    /// <summary>Sends a command and waits until the actor has handled it (timers started at the current virtual time).</summary>
    private async Task CommandAsync(IActorRef actor, object command)
    {
        actor.Tell(command, _control.Ref);
        await _control.ExpectMsgAsync<Done>(duration: Guard);
    }

    private async Task AdvanceAndExpectNoTickAsync(TimeSpan delta)
    {
        _clock.Advance(delta);
        await _ticks.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task StartSingleTimer_DelayReached_FiresOnceExactlyThen()
    {
        var actor = await TimerActorAsync();
        await CommandAsync(actor, new StartSingle("k", "once", TimeSpan.FromSeconds(3)));

        await AdvanceAndExpectNoTickAsync(TimeSpan.FromSeconds(3) - OneMs);
        _clock.Advance(OneMs);

        Assert.Equal("once", (await _ticks.ExpectMsgAsync<Tick>(Guard)).Label);
        await AdvanceAndExpectNoTickAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task StartPeriodicTimer_FourIntervals_OneTickPerInterval()
    {
        var actor = await TimerActorAsync();
        await CommandAsync(actor, new StartPeriodic("p", "period", TimeSpan.FromSeconds(2)));

        for (var i = 0; i < 4; i++)
        {
            await AdvanceAndExpectNoTickAsync(TimeSpan.FromSeconds(2) - OneMs);
            _clock.Advance(OneMs);
            Assert.Equal("period", (await _ticks.ExpectMsgAsync<Tick>(Guard)).Label);
        }
    }

    [Fact]
    public async Task StartSingleTimer_SameKeyAgain_ReplacesTheFirstTimer()
    {
        var actor = await TimerActorAsync();
        await CommandAsync(actor, new StartSingle("k", "first", TimeSpan.FromSeconds(1)));
        await CommandAsync(actor, new StartSingle("k", "second", TimeSpan.FromSeconds(3)));

        await AdvanceAndExpectNoTickAsync(TimeSpan.FromSeconds(3) - OneMs);
        _clock.Advance(OneMs);

        Assert.Equal("second", (await _ticks.ExpectMsgAsync<Tick>(Guard)).Label);
        await AdvanceAndExpectNoTickAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Cancel_PeriodicAfterTwoTicksAndSingleBeforeDue_NothingMoreFires()
    {
        var actor = await TimerActorAsync();
        await CommandAsync(actor, new StartPeriodic("p", "period", TimeSpan.FromSeconds(1)));
        await CommandAsync(actor, new StartSingle("s", "single", TimeSpan.FromSeconds(10)));
        for (var i = 0; i < 2; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal("period", (await _ticks.ExpectMsgAsync<Tick>(Guard)).Label);
        }

        await CommandAsync(actor, new CancelTimer("p"));
        await CommandAsync(actor, new CancelTimer("s"));

        await AdvanceAndExpectNoTickAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task SetReceiveTimeout_IdleForTimeout_ReceiveTimeoutOnAdvanceAndMessagesRearmIt()
    {
        var ticks = _ticks.Ref;
        var actor = _test.System.ActorOf(ActorProps.FromFactory(() => new IdleActor(ticks, TimeSpan.FromSeconds(5))), "idle");
        actor.Tell("activity");
        await CommandAsync(actor, new Sync()); // does not influence the receive timeout: "activity" armed it at t0

        await AdvanceAndExpectNoTickAsync(TimeSpan.FromSeconds(5) - OneMs);
        _clock.Advance(OneMs);
        await _ticks.ExpectMsgAsync<ReceiveTimeout>(Guard);

        actor.Tell("activity");
        await CommandAsync(actor, new Sync());
        await AdvanceAndExpectNoTickAsync(TimeSpan.FromSeconds(4));
        actor.Tell("activity");
        await CommandAsync(actor, new Sync());
        await AdvanceAndExpectNoTickAsync(TimeSpan.FromSeconds(5) - OneMs);
        _clock.Advance(OneMs);
        await _ticks.ExpectMsgAsync<ReceiveTimeout>(Guard);
    }

    [Fact]
    public async Task BackoffSupervisor_ChildCrashesTwice_RestartedAfterMinBackoffThenTwice()
    {
        var min = TimeSpan.FromSeconds(2);
        var started = _ticks.Ref;
        var child = ActorProps.FromFactory(() => new CrashingChild(started));
        var options = Backoff.OnFailure(child, "child", min, TimeSpan.FromMinutes(1), 0, -1);
        var supervisor = _test.System.ActorOf(BackoffSupervisor.Props(options), "backoff");
        await _ticks.ExpectMsgAsync("started", Guard);

        supervisor.Tell("crash");
        await RestartCountAsync(supervisor, 1);
        await AdvanceAndExpectNoTickAsync(min - OneMs);
        _clock.Advance(OneMs);
        await _ticks.ExpectMsgAsync("started", Guard);

        supervisor.Tell("crash");
        await RestartCountAsync(supervisor, 2);
        await AdvanceAndExpectNoTickAsync((2 * min) - OneMs);
        _clock.Advance(OneMs);
        await _ticks.ExpectMsgAsync("started", Guard);
    }

    /// <summary>Waits until the supervisor has seen the child terminate and scheduled restart number <paramref name="count"/>.</summary>
    private async Task RestartCountAsync(IActorRef supervisor, int count)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (true)
        {
            supervisor.Tell(BackoffSupervisor.GetRestartCount.Instance, _control.Ref);
            var seen = await _control.ExpectMsgAsync<BackoffSupervisor.RestartCount>(Guard);
            if (seen.Count == count)
            {
                return;
            }

            Assert.True(seen.Count < count && DateTime.UtcNow < deadline, $"restart count {seen.Count}, expected {count}");
        }
    }

    private sealed record Sync : INotInfluenceReceiveTimeout;

    private sealed record StartSingle(string Key, string Label, TimeSpan Delay);

    private sealed record StartPeriodic(string Key, string Label, TimeSpan Interval);

    private sealed record CancelTimer(string Key);

    private sealed record Tick(string Label);

    private sealed class TimerActor : ReceiveActor, IWithTimers
    {
        public TimerActor(IActorRef ticks)
        {
            Receive<StartSingle>(m =>
            {
                Timers.StartSingleTimer(m.Key, new Tick(m.Label), m.Delay);
                Sender.Tell(Done.Instance);
            });
            Receive<StartPeriodic>(m =>
            {
                Timers.StartPeriodicTimer(m.Key, new Tick(m.Label), m.Interval);
                Sender.Tell(Done.Instance);
            });
            Receive<CancelTimer>(m =>
            {
                Timers.Cancel(m.Key);
                Sender.Tell(Done.Instance);
            });
            Receive<Sync>(_ => Sender.Tell(Done.Instance));
            Receive<Tick>(t => ticks.Tell(t));
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }

    private sealed class IdleActor : ReceiveActor
    {
        public IdleActor(IActorRef ticks, TimeSpan timeout)
        {
            Context.SetReceiveTimeout(timeout);
            Receive<string>(_ => { });
            Receive<Sync>(_ => Sender.Tell(Done.Instance));
            Receive<ReceiveTimeout>(t => ticks.Tell(t));
        }
    }

    private sealed class CrashingChild : ReceiveActor
    {
        private readonly IActorRef _started;

        public CrashingChild(IActorRef started)
        {
            _started = started;
            Receive<string>(_ => throw new InvalidOperationException("child crashed on purpose"));
        }

        protected override void PreStart() => _started.Tell("started");
    }
}
