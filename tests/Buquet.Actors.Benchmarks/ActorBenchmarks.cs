using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Benchmarks;

/// <summary>
/// What the worker's actors cost on Akka.NET (issue 17): Props per task (expression tree vs <see cref="ActorProps"/>),
/// spawning a per-task actor that replies and stops, tell throughput between two actors, and memory per idle actor.
/// Each figure is the best of three runs after a warm-up; the machine is shared, so read them as orders of magnitude.
/// </summary>
internal static class ActorBenchmarks
{
    public static async Task<int> RunAsync(int idleActors)
    {
        using var system = BuquetActorSystem.Create("bench", TimeProvider.System);
        Report("Props, expression tree (Props.Create(() => new X(..)))", Best(() => PropsCost(2_000, expression: true)));
        Report("Props, ActorProps.FromFactory (delegate producer)", Best(() => PropsCost(200_000, expression: false)));
        var spawnExpression = await BestAsync(() => SpawnCostAsync(system, 5_000, expression: true));
        Console.WriteLine(Line("spawn + reply + stop, expression-tree Props", string.Create(CultureInfo.InvariantCulture, $"{spawnExpression.PerSecond:N0} actors/s, {spawnExpression.CpuMicros:N1} µs CPU each")));
        var spawn = await BestAsync(() => SpawnCostAsync(system, 20_000, expression: false));
        Console.WriteLine(Line("spawn + reply + stop, ActorProps", string.Create(CultureInfo.InvariantCulture, $"{spawn.PerSecond:N0} actors/s, {spawn.CpuMicros:N1} µs CPU each")));
        var tell = await BestAsync(() => TellAsync(system, 2_000_000));
        Console.WriteLine(Line("tell, two actors", string.Create(CultureInfo.InvariantCulture, $"{tell.PerSecond / 1e6:N2} M msgs/s")));
        var perActor = await IdleMemoryAsync(system, idleActors);
        Console.WriteLine(Line(string.Create(CultureInfo.InvariantCulture, $"memory per idle actor ({idleActors:N0} actors)"), string.Create(CultureInfo.InvariantCulture, $"{perActor:N0} bytes")));
        return 0;
    }

    private static string Line(string name, string value) => string.Create(CultureInfo.InvariantCulture, $"{name,-58} {value}");

    private static void Report(string name, (double CpuMicros, double Bytes) cost) =>
        Console.WriteLine(Line(name, string.Create(CultureInfo.InvariantCulture, $"{cost.CpuMicros:N2} µs CPU, {cost.Bytes:N0} B allocated per Props")));

    private static (double CpuMicros, double Bytes) Best(Func<(double, double)> run)
    {
        run();
        return Enumerable.Range(0, 3).Select(_ => run()).MinBy(r => r.Item1);
    }

    private static async Task<Rate> BestAsync(Func<Task<Rate>> run)
    {
        await run();
        var best = await run();
        for (var i = 0; i < 2; i++)
        {
            var next = await run();
            best = next.PerSecond > best.PerSecond ? next : best;
        }

        return best;
    }

    private static (double CpuMicros, double Bytes) PropsCost(int count, bool expression)
    {
        var payload = new object();
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < count; i++)
        {
            var props = expression ? Props.Create(() => new Replier(payload)) : ActorProps.FromFactory(() => new Replier(payload));
            GC.KeepAlive(props);
        }

        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return (used.TotalMicroseconds / count, (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)count);
    }

    private static async Task<Rate> SpawnCostAsync(ActorSystem system, int count, bool expression)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        system.ActorOf(ActorProps.FromFactory(() => new Spawner(count, done, expression)));
        await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var elapsed = clock.Elapsed;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return new Rate(count / elapsed.TotalSeconds, used.TotalMicroseconds / count);
    }

    private static async Task<Rate> TellAsync(ActorSystem system, int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = system.ActorOf(ActorProps.FromFactory(() => new Counter(count, done)));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            counter.Tell(i, ActorRefs.NoSender);
        }

        await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        system.Stop(counter);
        return new Rate(count / clock.Elapsed.TotalSeconds, 0);
    }

    private static async Task<double> IdleMemoryAsync(ActorSystem system, int count)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var actors = new IActorRef[count];
        for (var i = 0; i < count; i++)
        {
            actors[i] = system.ActorOf(ActorProps.FromFactory(static () => new Replier(null)));
        }

        foreach (var actor in actors)
        {
            await actor.Ask<object>("ping", TimeSpan.FromSeconds(30));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perActor = (after - before - ((long)IntPtr.Size * count)) / (double)count;
        foreach (var actor in actors)
        {
            system.Stop(actor);
        }

        return perActor;
    }

    private readonly record struct Rate(double PerSecond, double CpuMicros);

    private sealed class Replier : ReceiveActor
    {
        public Replier(object? payload) => ReceiveAny(m => Sender.Tell(payload ?? m));
    }

    /// <summary>Spawns one child per "task"; each replies to its parent and stops, like a claimer.</summary>
    private sealed class Spawner : ReceiveActor
    {
        private int _left;

        private readonly bool _expression;

        public Spawner(int count, TaskCompletionSource done, bool expression)
        {
            _left = count;
            _expression = expression;
            Receive<string>(_ =>
            {
                if (--_left == 0)
                {
                    done.TrySetResult();
                    Context.Stop(Self);
                }
            });
        }

        protected override void PreStart()
        {
            for (var i = 0; i < _left; i++)
            {
                var id = i;
                var props = _expression ? Props.Create(() => new OneShot(id)) : ActorProps.FromFactory(() => new OneShot(id));
                Context.ActorOf(props, $"task-{i}");
            }
        }
    }

    private sealed class OneShot(int id) : ReceiveActor
    {
        public int Id { get; } = id;

        protected override void PreStart()
        {
            Context.Parent.Tell("done", Self);
            Context.Stop(Self);
        }
    }

    private sealed class Counter : ReceiveActor
    {
        public Counter(int expected, TaskCompletionSource done)
        {
            var seen = 0;
            Receive<int>(_ =>
            {
                if (++seen == expected)
                {
                    done.TrySetResult();
                }
            });
        }
    }
}
