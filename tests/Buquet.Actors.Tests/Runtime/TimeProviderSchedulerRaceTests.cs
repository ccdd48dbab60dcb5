using Akka.Actor;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Runtime;

/// <summary>
/// <see cref="Buquet.Actors.Runtime.TimeProviderScheduler"/> under cancellation racing a fire on another thread: a fire
/// that had started when <c>Cancel</c> returned may still complete (at most one), nothing fires after it, nothing leaks.
/// </summary>
public sealed class TimeProviderSchedulerRaceTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan OneMs = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void CancelPeriodic_RacingAdvanceOnAnotherThread_AtMostOneFireAfterCancelReturns()
    {
        for (var iteration = 0; iteration < 200; iteration++)
        {
            var clock = new FakeTimeProvider();
            using var scheduler = TimeProviderSchedulerTests.NewScheduler(clock);
            var fired = 0;
            using var cancelable = new Cancelable(TimeProviderSchedulerTests.Timers(scheduler));
            TimeProviderSchedulerTests.Timers(scheduler).ScheduleRepeatedly(OneMs, OneMs, () => Interlocked.Increment(ref fired), cancelable);
            var stop = 0;
            var advancer = new Thread(() =>
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    clock.Advance(OneMs);
                }
            });
            advancer.Start();
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref fired) >= 1 + (iteration % 5), Guard), "the timer never fired");

            cancelable.Cancel();
            var atCancel = Volatile.Read(ref fired);
            var cancelledAt = clock.GetUtcNow();
            Assert.True(SpinWait.SpinUntil(() => clock.GetUtcNow() >= cancelledAt.AddMilliseconds(20), Guard), "the advancer stalled");
            Volatile.Write(ref stop, 1);
            advancer.Join();
            clock.Advance(TimeSpan.FromSeconds(1));

            Assert.InRange(Volatile.Read(ref fired), atCancel, atCancel + 1);
            Assert.Equal(0, scheduler.PendingCount);
        }
    }

    [Fact]
    public void CancelOneShot_RacingItsFireOnAnotherThread_FiresAtMostOnceAndNothingPending()
    {
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var clock = new FakeTimeProvider();
            using var scheduler = TimeProviderSchedulerTests.NewScheduler(clock);
            var fired = 0;
            using var cancelable = new Cancelable(TimeProviderSchedulerTests.Timers(scheduler));
            TimeProviderSchedulerTests.Timers(scheduler).ScheduleOnce(OneMs, () => Interlocked.Increment(ref fired), cancelable);
            using var start = new Barrier(2);
            var advancer = new Thread(() =>
            {
                start.SignalAndWait();
                clock.Advance(OneMs);
            });
            advancer.Start();

            start.SignalAndWait();
            cancelable.Cancel();
            var atCancel = Volatile.Read(ref fired);
            advancer.Join();
            clock.Advance(TimeSpan.FromSeconds(1));

            Assert.InRange(Volatile.Read(ref fired), atCancel, Math.Min(1, atCancel + 1));
            Assert.Equal(0, scheduler.PendingCount);
        }
    }

    [Fact]
    public void Dispose_RacingSchedulingOnAnotherThread_NothingFiresAfterDisposeReturns()
    {
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var clock = new FakeTimeProvider();
            var scheduler = TimeProviderSchedulerTests.NewScheduler(clock);
            var timers = TimeProviderSchedulerTests.Timers(scheduler);
            var fired = 0;
            var scheduled = 0;
            var scheduling = new Thread(() =>
            {
                for (var i = 0; i < 200; i++)
                {
                    timers.ScheduleRepeatedly(TimeSpan.FromMilliseconds(1 + (i % 5)), OneMs, () => Interlocked.Increment(ref fired));
                    Interlocked.Increment(ref scheduled);
                }
            });
            scheduling.Start();
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref scheduled) >= iteration, Guard), "scheduling stalled");

            scheduler.Dispose();
            scheduling.Join();
            clock.Advance(TimeSpan.FromSeconds(1));

            Assert.Equal(0, Volatile.Read(ref fired));
            Assert.Equal(0, scheduler.PendingCount);
        }
    }
}
