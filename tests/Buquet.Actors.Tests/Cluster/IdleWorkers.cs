using Akka.Actor;
using Buquet.Actors.Client;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Tests.Worker;
using Buquet.Actors.Worker;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>Workers of the push tests: started, gone idle, and a minute of virtual time later.</summary>
internal static class IdleWorkers
{
    /// <summary>Starts <paramref name="runtime"/>'s supervisor with an activity actor of its own and waits (pumping virtual time) until it is idle; then a minute passes.</summary>
    public static async Task<IActorRef> StartAsync(WorkerHarness h, WorkerRuntime runtime)
    {
        var activity = h.System.CreateProbe("activity");
        var state = h.System.ActorOf(WorkerActivity.Props(), "worker-activity");
        state.Tell(new WorkerActivity.Subscribe(activity.Ref));
        Assert.False((await activity.ExpectMsgAsync<WorkerActivity.Changed>(duration: WorkerHarness.Guard)).Idle);
        var supervisor = WorkerFactory.Start(h.System, runtime, activity: state);
        await h.PumpUntilAsync(activity.ExpectMsgAsync<WorkerActivity.Changed>(c => c.Idle, WorkerHarness.Guard).AsTask(), TimeSpan.FromMilliseconds(100));
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        return supervisor;
    }

    /// <summary>A producer that touches no wake-up hint: only a push or a poll can find its tasks.</summary>
    public static BuquetClient SilentClient(WorkerHarness h) =>
        new(h.Memory, new BuquetClientOptions { WakeHints = false }, h.StoreClock, h.Clock, null);
}
