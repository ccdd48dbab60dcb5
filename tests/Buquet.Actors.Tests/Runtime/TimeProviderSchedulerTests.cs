using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Buquet.Actors.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Runtime;

/// <summary>The contract of <see cref="TimeProviderScheduler"/>: on the scheduler itself and through an actor system.</summary>
public sealed class TimeProviderSchedulerTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan OneMs = TimeSpan.FromMilliseconds(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    /// <summary>A scheduler on <paramref name="clock"/>, as Akka creates it from config.</summary>
    internal static TimeProviderScheduler NewScheduler(TimeProvider clock) => new(
        ConfigurationFactory.ParseString($"{TimeProviderScheduler.ClockKeyPath} = \"{TimeProviderScheduler.Register(clock)}\""),
        NoLogger.Instance);

    /// <summary>The scheduler's action API (explicitly implemented by <see cref="SchedulerBase"/>).</summary>
    internal static IAdvancedScheduler Timers(TimeProviderScheduler scheduler) => ((IScheduler)scheduler).Advanced;

    [Fact]
    public async Task ScheduleTellOnce_VirtualTimeOneMsShortOfDelay_FiresOnlyWhenDelayReached()
    {
        using var test = new ActorTestSystem(_clock);
        var probe = test.Probe();

        test.System.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(5), probe.Ref, "due", ActorRefs.NoSender);
        _clock.Advance(TimeSpan.FromSeconds(5) - OneMs);
        await probe.ExpectNoMsgAsync(Quiet);
        _clock.Advance(OneMs);

        await probe.ExpectMsgAsync("due", Guard);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await probe.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public void ScheduleOnce_AdvancedPastDelay_FiresExactlyOnce()
    {
        using var scheduler = NewScheduler(_clock);
        var fired = 0;

        Timers(scheduler).ScheduleOnce(TimeSpan.FromSeconds(1), () => fired++);
        _clock.Advance(TimeSpan.FromSeconds(1) - OneMs);
        Assert.Equal(0, fired);
        _clock.Advance(OneMs);
        Assert.Equal(1, fired);
        _clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(1, fired);
    }

    [Fact]
    public async Task ScheduleTellOnce_ZeroDelay_FiresWithoutAdvancingTime()
    {
        using var test = new ActorTestSystem(_clock);
        var probe = test.Probe();

        test.System.Scheduler.ScheduleTellOnce(TimeSpan.Zero, probe.Ref, "now", ActorRefs.NoSender);

        await probe.ExpectMsgAsync("now", Guard);
    }

    [Fact]
    public void ScheduleRepeatedly_FivePeriods_FiresOncePerPeriod()
    {
        using var scheduler = NewScheduler(_clock);
        var fired = 0;
        Timers(scheduler).ScheduleRepeatedly(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), () => fired++);

        _clock.Advance(TimeSpan.FromSeconds(2) - OneMs);
        Assert.Equal(0, fired);
        for (var period = 1; period <= 5; period++)
        {
            _clock.Advance(OneMs);
            Assert.Equal(period, fired);
            _clock.Advance(TimeSpan.FromSeconds(1) - OneMs);
            Assert.Equal(period, fired);
        }

        _clock.Advance(OneMs + TimeSpan.FromSeconds(2)); // three periods in one step
        Assert.Equal(8, fired);
        Assert.Equal(1, scheduler.PendingCount);
    }

    [Fact]
    public async Task ScheduleTellRepeatedly_ThreePeriods_OneMessagePerPeriod()
    {
        using var test = new ActorTestSystem(_clock);
        var probe = test.Probe();
        using var cancelable = new Cancelable(test.System.Scheduler);
        test.System.Scheduler.ScheduleTellRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), probe.Ref, "tick", ActorRefs.NoSender, cancelable);

        for (var period = 0; period < 3; period++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1) - OneMs);
            await probe.ExpectNoMsgAsync(Quiet);
            _clock.Advance(OneMs);
            await probe.ExpectMsgAsync("tick", Guard);
        }

        cancelable.Cancel();
        _clock.Advance(TimeSpan.FromSeconds(10));
        await probe.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public void Cancel_BeforeDue_NeverFires()
    {
        using var scheduler = NewScheduler(_clock);
        var fired = 0;
        using var cancelable = new Cancelable(Timers(scheduler));
        Timers(scheduler).ScheduleOnce(TimeSpan.FromSeconds(1), () => fired++, cancelable);

        _clock.Advance(TimeSpan.FromMilliseconds(500));
        cancelable.Cancel();
        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(0, fired);
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public void Schedule_AlreadyCancelled_NeverFiresAndNothingPending()
    {
        using var scheduler = NewScheduler(_clock);
        var fired = 0;
        using var cancelable = new Cancelable(Timers(scheduler));
        cancelable.Cancel();

        Timers(scheduler).ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.FromSeconds(1), () => fired++, cancelable);
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, fired);
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public void CancelPeriodic_AfterThreeFires_NoMoreFires()
    {
        using var scheduler = NewScheduler(_clock);
        var fired = 0;
        using var cancelable = new Cancelable(Timers(scheduler));
        Timers(scheduler).ScheduleRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), () => fired++, cancelable);
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(3, fired);

        cancelable.Cancel();
        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(3, fired);
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public void Action_Throws_OtherTimersAndItsOwnNextPeriodStillFire()
    {
        using var scheduler = NewScheduler(_clock);
        var before = 0;
        var after = 0;
        var throwing = 0;
        Timers(scheduler).ScheduleOnce(TimeSpan.FromSeconds(1), () => before++);
        Timers(scheduler).ScheduleRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), () =>
        {
            throwing++;
            throw new InvalidOperationException("scheduled action failed on purpose");
        });
        Timers(scheduler).ScheduleOnce(TimeSpan.FromSeconds(1), () => after++);

        _clock.Advance(TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((1, 2, 1), (before, throwing, after));
    }

    [Fact]
    public void Dispose_TimersPending_NothingFiresAndSchedulingIsNoOp()
    {
        var scheduler = NewScheduler(_clock);
        var fired = 0;
        Timers(scheduler).ScheduleOnce(TimeSpan.FromSeconds(1), () => fired++);
        Timers(scheduler).ScheduleRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), () => fired++);
        Assert.Equal(2, scheduler.PendingCount);

        scheduler.Dispose();
        Timers(scheduler).ScheduleOnce(TimeSpan.Zero, () => fired++);
        Timers(scheduler).ScheduleOnce(TimeSpan.FromSeconds(1), () => fired++);
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, fired);
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public async Task Terminate_PeriodicTimerPending_SchedulerDisposedAndNothingFires()
    {
        var system = BuquetActorSystem.Create("terminated", _clock);
        var scheduler = Assert.IsType<TimeProviderScheduler>(system.Scheduler);
        var fired = 0;
        Timers(scheduler).ScheduleRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), () => Interlocked.Increment(ref fired));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Volatile.Read(ref fired));

        await system.Terminate().WaitAsync(Guard);
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, Volatile.Read(ref fired));
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public void PendingCount_OneShotsFiredOrCancelled_ReturnsToZero()
    {
        using var scheduler = NewScheduler(_clock);
        var cancelables = new List<Cancelable>();
        for (var i = 0; i < 100; i++)
        {
            var cancelable = new Cancelable(Timers(scheduler));
            cancelables.Add(cancelable);
            Timers(scheduler).ScheduleOnce(TimeSpan.FromSeconds(1 + (i % 10)), () => { }, cancelable);
            Timers(scheduler).ScheduleOnce(TimeSpan.FromSeconds(1 + (i % 10)), () => { });
        }

        Assert.Equal(200, scheduler.PendingCount);
        foreach (var cancelable in cancelables.Where((_, i) => i % 2 == 0))
        {
            cancelable.Cancel();
        }

        Assert.Equal(150, scheduler.PendingCount);
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, scheduler.PendingCount);
        cancelables.ForEach(c => c.Dispose());
    }

    [Fact]
    public void NowAndMonotonicClock_ClockAdvanced_FollowTheClock()
    {
        using var scheduler = NewScheduler(_clock);
        var start = scheduler.MonotonicClock;
        Assert.Equal(_clock.GetUtcNow(), ((IScheduler)scheduler).Now);

        _clock.Advance(TimeSpan.FromMinutes(90));

        Assert.Equal(_clock.GetUtcNow(), ((IScheduler)scheduler).Now);
        Assert.Equal(TimeSpan.FromMinutes(90), scheduler.MonotonicClock - start);
        Assert.Equal(scheduler.MonotonicClock, scheduler.HighResMonotonicClock);
    }

    [Fact]
    public async Task Create_SystemClock_Fires50msTimerInRealTime()
    {
        var system = BuquetActorSystem.Create("real-clock", TimeProvider.System);
        using var kit = new Akka.TestKit.Xunit2.TestKit(system);
        var scheduler = Assert.IsType<TimeProviderScheduler>(system.Scheduler);
        Assert.Same(TimeProvider.System, scheduler.Clock);
        var probe = kit.CreateTestProbe();
        var started = TimeProvider.System.GetTimestamp();

        system.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(50), probe.Ref, "real", ActorRefs.NoSender);

        await probe.ExpectMsgAsync("real", TimeSpan.FromSeconds(5));
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(45), "fired before its delay");
    }

    [Fact]
    public async Task Register_KeyUsedByOneSystem_SecondSystemWithSameConfigGetsSystemClock()
    {
        var config = BuquetActorSystem.Clock(_clock).WithFallback(BuquetActorSystem.Defaults);
        var first = ActorSystem.Create("registered", config);
        var second = ActorSystem.Create("unregistered", config);
        try
        {
            Assert.Same(_clock, Assert.IsType<TimeProviderScheduler>(first.Scheduler).Clock);
            Assert.Same(TimeProvider.System, Assert.IsType<TimeProviderScheduler>(second.Scheduler).Clock);
        }
        finally
        {
            await Task.WhenAll(first.Terminate(), second.Terminate()).WaitAsync(Guard);
        }
    }
}
