using Buquet.Actors.Kernel;
using Buquet.Actors.Kernel.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Kernel;

public sealed class CoordinatedShutdownTests
{
    private static readonly ShutdownPhase[] Phases =
    [
        new("one", TimeSpan.FromSeconds(5)),
        new("two", TimeSpan.FromSeconds(5)),
        new(CoordinatedShutdown.ActorSystemTerminate, TimeSpan.FromSeconds(10)),
    ];

    [Fact]
    public async Task RunAsync_TasksInSeveralPhases_RunInPhaseOrderThenTerminate()
    {
        var system = TestActorSystem.Create(new FakeTimeProvider(), options: new ActorSystemOptions { ShutdownPhases = Phases });
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        system.CoordinatedShutdown.AddTask("two", "b", async _ =>
        {
            await Task.Yield();
            order.Enqueue("two");
        });
        system.CoordinatedShutdown.AddTask("one", "a", async _ =>
        {
            await Task.Yield();
            order.Enqueue("one");
        });

        await system.CoordinatedShutdown.RunAsync("test").WaitAsync(KernelTest.Guard);

        Assert.Equal(["one", "two"], order);
        Assert.True(system.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task RunAsync_CalledTwice_ReturnsSameTaskAndRunsOnce()
    {
        var system = TestActorSystem.Create(new FakeTimeProvider(), options: new ActorSystemOptions { ShutdownPhases = Phases });
        var runs = 0;
        system.CoordinatedShutdown.AddTask("one", "count", _ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        });

        var first = system.CoordinatedShutdown.RunAsync("first");
        var second = system.CoordinatedShutdown.RunAsync("second");
        await first.WaitAsync(KernelTest.Guard);

        Assert.Same(first, second);
        Assert.Equal(1, runs);
        Assert.Equal("first", system.CoordinatedShutdown.Reason);
        Assert.Throws<InvalidOperationException>(() => system.CoordinatedShutdown.AddTask("one", "late", _ => Task.CompletedTask));
    }

    [Fact]
    public async Task RunAsync_PhaseTimesOut_CancelsTokenAndContinues()
    {
        var clock = new FakeTimeProvider();
        var system = TestActorSystem.Create(clock, options: new ActorSystemOptions { ShutdownPhases = Phases });
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondRan = false;
        system.CoordinatedShutdown.AddTask("one", "hangs", async token =>
        {
            token.Register(() => cancelled.TrySetResult());
            entered.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        });
        system.CoordinatedShutdown.AddTask("two", "after", _ =>
        {
            secondRan = true;
            return Task.CompletedTask;
        });

        var run = system.CoordinatedShutdown.RunAsync("timeout test");
        await entered.Task.WaitAsync(KernelTest.Guard);
        clock.Advance(TimeSpan.FromSeconds(5));

        await cancelled.Task.WaitAsync(KernelTest.Guard);
        await run.WaitAsync(KernelTest.Guard);
        Assert.True(secondRan);
    }

    [Fact]
    public async Task RunAsync_NonRecoverPhaseFails_SkipsRestButTerminates()
    {
        ShutdownPhase[] phases = [new("one", TimeSpan.FromSeconds(5), Recover: false), new("two", TimeSpan.FromSeconds(5))];
        var system = TestActorSystem.Create(new FakeTimeProvider(), options: new ActorSystemOptions { ShutdownPhases = phases });
        var secondRan = false;
        system.CoordinatedShutdown.AddTask("one", "fails", _ => throw new Boom("phase one"));
        system.CoordinatedShutdown.AddTask("two", "skipped", _ =>
        {
            secondRan = true;
            return Task.CompletedTask;
        });

        await system.CoordinatedShutdown.RunAsync("fail").WaitAsync(KernelTest.Guard);

        Assert.False(secondRan);
        Assert.True(system.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task AddTask_UnknownPhase_ThrowsNamingPhase()
    {
        await using var system = TestActorSystem.Create(new FakeTimeProvider());

        var ex = Assert.Throws<ArgumentException>(() => system.CoordinatedShutdown.AddTask("nope", "t", _ => Task.CompletedTask));

        Assert.Contains("'nope'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultPhases_WorkerOrder_StopAcceptingDrainReleaseTerminate()
    {
        var names = CoordinatedShutdown.DefaultPhases.Select(p => p.Name).ToList();

        Assert.True(names.IndexOf(CoordinatedShutdown.StopAccepting) < names.IndexOf(CoordinatedShutdown.Drain));
        Assert.True(names.IndexOf(CoordinatedShutdown.Drain) < names.IndexOf(CoordinatedShutdown.Release));
        Assert.Equal(CoordinatedShutdown.ActorSystemTerminate, names[^1]);
    }
}
