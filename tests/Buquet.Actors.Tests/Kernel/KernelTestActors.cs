using Buquet.Actors.Kernel;
using Buquet.Actors.Kernel.TestKit;

namespace Buquet.Actors.Tests.Kernel;

/// <summary>An actor configured by a delegate, with hooks reported to an optional probe.</summary>
internal sealed class FuncActor : ReceiveActor
{
    private static int _instances;
    private readonly IActorRef? _hooks;

    public FuncActor(Action<FuncActor> configure, IActorRef? hooks = null, SupervisorStrategy? strategy = null)
    {
        Instance = Interlocked.Increment(ref _instances);
        _hooks = hooks;
        Strategy = strategy;
        configure(this);
    }

    public int Instance { get; }

    public SupervisorStrategy? Strategy { get; }

    public IActorContext Ctx => Context;

    public IActorRef? CurrentSender => Sender;

    public ITimerScheduler TimerScheduler => Timers;

    public static Props Props(Action<FuncActor> configure, IActorRef? hooks = null, SupervisorStrategy? strategy = null) =>
        Buquet.Actors.Kernel.Props.Create(() => new FuncActor(configure, hooks, strategy));

    public void On<T>(Action<T> handler, Predicate<T>? filter = null) => Receive(handler, filter);

    public void OnAsync<T>(Func<T, Task> handler) => ReceiveAsync(handler);

    public void Switch(Action configure) => Become(configure);

    protected override void PreStart() => _hooks?.Tell($"PreStart:{Instance}");

    protected override void PostStop() => _hooks?.Tell($"PostStop:{Instance}");

    protected override void PreRestart(Exception reason, object? message)
    {
        _hooks?.Tell($"PreRestart:{Instance}:{message}");
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _hooks?.Tell($"PostRestart:{Instance}");
        base.PostRestart(reason);
    }

    protected override SupervisorStrategy SupervisorStrategy() => Strategy ?? base.SupervisorStrategy();
}

internal sealed class Boom(string message) : Exception(message);

internal static class KernelTest
{
    public static TimeSpan Guard { get; } = TimeSpan.FromSeconds(10);

    public static TimeSpan Quiet { get; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Waits (real time, as a failure guard) until the condition holds; the condition is re-checked on each probe message.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(start) > Guard)
            {
                throw new TestKitException($"Timed out waiting for: {what}");
            }

            await Task.Yield();
        }
    }
}
