using Buquet.Actors.Kernel;
using Buquet.Actors.Kernel.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Kernel;

public sealed class ResourceTests
{
    [Fact]
    public async Task ActorOf_TenThousandActorsWithTimersStopped_NoActorsOrTimersLeft()
    {
        var clock = new FakeTimeProvider();
        await using var system = TestActorSystem.Create(clock);
        var probe = new TestProbe(system);
        const int count = 10_000;
        var parent = system.ActorOf(FuncActor.Props(p =>
        {
            var started = 0;
            p.On<string>(_ =>
            {
                for (var i = 0; i < count; i++)
                {
                    p.Ctx.ActorOf(FuncActor.Props(c =>
                    {
                        c.TimerScheduler.StartPeriodicTimer("tick", "tick", TimeSpan.FromSeconds(1));
                        c.On<string>(_ => { });
                        p.Ctx.Self.Tell(1);
                    }));
                }
            });
            p.On<int>(_ =>
            {
                if (++started == count)
                {
                    probe.Tell("all started");
                }
            });
        }));
        parent.Tell("spawn");
        await probe.ExpectMsgAsync<string>(TimeSpan.FromSeconds(15));
        Assert.Equal(count + 1, system.LiveActorCount);
        Assert.Equal(count, system.ActiveTimerCount);
        clock.Advance(TimeSpan.FromSeconds(1));
        probe.Watch(parent);

        system.Stop(parent);
        await probe.ExpectMsgAsync<Terminated>(TimeSpan.FromSeconds(15));

        Assert.Equal(0, system.LiveActorCount);
        Assert.Equal(0, system.ActiveTimerCount);
    }

    [Fact]
    public async Task Kernel_FailuresTimeoutsAndPipes_LeaveNoUnobservedTaskExceptions()
    {
        var unobserved = new List<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            lock (unobserved)
            {
                unobserved.Add(e.Exception);
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await RunFailureScenariosAsync();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.Empty(unobserved);
    }

    private static async Task RunFailureScenariosAsync()
    {
        var clock = new FakeTimeProvider();
        await using var system = TestActorSystem.Create(clock);
        var probe = new TestProbe(system);
        var actor = system.ActorOf(FuncActor.Props(a =>
        {
            a.OnAsync<string>(async s =>
            {
                await Task.Yield();
                if (s == "fail")
                {
                    throw new Boom("async failure");
                }

                probe.Tell(s);
            });
            a.On<int>(_ => { });
        }));
        for (var i = 0; i < 20; i++)
        {
            actor.Tell("fail");
        }

        actor.Tell("done");
        Assert.Equal("done", await probe.ExpectMsgAsync<string>());

        var ask = actor.Ask<int>(1, TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<AskTimeoutException>(() => ask);
        await Task.FromException<int>(new Boom("piped")).PipeTo(probe);
        await probe.ExpectMsgAsync<Status.Failure>();
    }
}
