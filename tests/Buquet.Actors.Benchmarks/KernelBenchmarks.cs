using System.Diagnostics;
using System.Runtime.InteropServices;
using Buquet.Actors.Kernel;

namespace Buquet.Actors.Benchmarks;

/// <summary>Actor-kernel throughput and footprint, printed as plain numbers.</summary>
internal static class KernelBenchmarks
{
    public static async Task<int> RunAsync(int idleActors = 20_000, bool memoryOnly = false)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
        await using var system = ActorSystem.Create("bench");
        if (memoryOnly)
        {
            Console.WriteLine($"memory per idle actor ({idleActors:N0} actors): {await MemoryPerIdleActorAsync(system, idleActors):F0} bytes");
            return 0;
        }

        await TellBetweenTwoActorsAsync(system, 1_000_000); // warm-up
        var best = 0.0;
        for (var i = 0; i < 3; i++)
        {
            best = Math.Max(best, await TellBetweenTwoActorsAsync(system, 10_000_000));
        }

        Console.WriteLine($"tell, two actors (sender -> receiver), best of 3 x 10M msgs: {best / 1e6:F2} M msgs/s");

        await FanOutAsync(system, 1_000, 100);
        var fanOut = 0.0;
        for (var i = 0; i < 3; i++)
        {
            fanOut = Math.Max(fanOut, await FanOutAsync(system, 1_000, 5_000));
        }

        Console.WriteLine($"fan-out to 1,000 actors, best of 3 x 5M msgs: {fanOut / 1e6:F2} M msgs/s");

        var perActor = await MemoryPerIdleActorAsync(system, idleActors);
        Console.WriteLine($"memory per idle actor ({idleActors:N0} actors, one message each, managed heap delta): {perActor:F0} bytes");
        return 0;
    }

    /// <summary>A sender actor tells N messages to a receiver in batches; receiver counts to N.</summary>
    private static async Task<double> TellBetweenTwoActorsAsync(ActorSystem system, int total)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = system.ActorOf(Props.Create(() => new Counter(total, done)));
        var sender = system.ActorOf(Props.Create(() => new Blaster(receiver, total)));
        var watch = Stopwatch.StartNew();
        sender.Tell(Blaster.Go.Instance);
        await done.Task;
        watch.Stop();
        system.Stop(sender);
        system.Stop(receiver);
        return total / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The main thread tells <paramref name="perActor"/> messages to each of <paramref name="actors"/> actors.</summary>
    private static async Task<double> FanOutAsync(ActorSystem system, int actors, int perActor)
    {
        var remaining = actors;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refs = new IActorRef[actors];
        for (var i = 0; i < actors; i++)
        {
            refs[i] = system.ActorOf(Props.Create(() => new Counter(perActor, null, () =>
            {
                if (Interlocked.Decrement(ref remaining) == 0)
                {
                    done.TrySetResult();
                }
            })));
        }

        var watch = Stopwatch.StartNew();
        for (var m = 0; m < perActor; m++)
        {
            for (var i = 0; i < actors; i++)
            {
                refs[i].Tell(Blaster.Msg.Instance);
            }
        }

        await done.Task;
        watch.Stop();
        foreach (var actor in refs)
        {
            system.Stop(actor);
        }

        return (double)actors * perActor / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> MemoryPerIdleActorAsync(ActorSystem system, int count)
    {
        var remaining = count;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnOne()
        {
            if (Interlocked.Decrement(ref remaining) == 0)
            {
                done.TrySetResult();
            }
        }

        var props = Props.Create(() => new Counter(1, null, OnOne));
        var refs = new IActorRef[count];
        Collect();
        var before = GC.GetTotalMemory(true);
        for (var i = 0; i < count; i++)
        {
            refs[i] = system.ActorOf(props);
            refs[i].Tell(Blaster.Msg.Instance);
        }

        await done.Task;
        Collect();
        var after = GC.GetTotalMemory(true);
        GC.KeepAlive(refs);
        return (after - before - ((long)IntPtr.Size * count)) / (double)count;
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private sealed class Counter : ReceiveActor
    {
        private int _count;

        public Counter(int total, TaskCompletionSource? done, Action? onDone = null) =>
            Receive<Blaster.Msg>(_ =>
            {
                if (++_count == total)
                {
                    done?.TrySetResult();
                    onDone?.Invoke();
                }
            });
    }

    private sealed class Blaster : ReceiveActor
    {
        private const int Batch = 1_000;
        private int _sent;

        public Blaster(IActorRef target, int total) =>
            Receive<Go>(_ =>
            {
                var end = Math.Min(total, _sent + Batch);
                for (; _sent < end; _sent++)
                {
                    target.Tell(Msg.Instance, Self);
                }

                if (_sent < total)
                {
                    Self.Tell(Go.Instance); // yield between batches so the receiver gets a thread
                }
            });

        public sealed class Go
        {
            public static readonly Go Instance = new();
        }

        public sealed class Msg
        {
            public static readonly Msg Instance = new();
        }
    }
}
