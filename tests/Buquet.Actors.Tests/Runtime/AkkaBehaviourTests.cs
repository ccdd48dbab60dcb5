using System.Collections.Concurrent;
using Akka;
using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Runtime;

/// <summary>
/// Akka.NET 1.5 behaviours the product relies on, pinned (design/akka-notes.md, "Where Akka.NET behaves differently"):
/// if an upgrade changes one of them, the product code written around it has to be revisited.
/// </summary>
public sealed class AkkaBehaviourTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private readonly ActorTestSystem _test = new(new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero)));

    public void Dispose() => _test.Dispose();

    private async Task<(IActorRef Actor, TaskCompletionSource Gate, TestProbe Probe)> AwaitingHandlerAsync()
    {
        var probe = _test.Probe();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probeRef = probe.Ref;
        var actor = _test.System.ActorOf(ActorProps.FromFactory(() => new AwaitingActor(probeRef, gate.Task)));
        actor.Tell(new Work());
        await probe.ExpectMsgAsync("awaiting", Guard);
        return (actor, gate, probe);
    }

    [Fact]
    public async Task SystemStop_WhileReceiveAsyncAwaits_PostStopRunsAndRestOfHandlerNeverRuns()
    {
        var (actor, gate, probe) = await AwaitingHandlerAsync();
        probe.Watch(actor);

        _test.System.Stop(actor);

        await probe.ExpectMsgAsync("post-stop", Guard);
        await probe.ExpectTerminatedAsync(actor, Guard);
        gate.SetResult();
        await probe.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task PoisonPill_WhileReceiveAsyncAwaits_WaitsForHandlerToFinish()
    {
        var (actor, gate, probe) = await AwaitingHandlerAsync();

        actor.Tell(PoisonPill.Instance);
        await probe.ExpectNoMsgAsync(Quiet);
        gate.SetResult();

        await probe.ExpectMsgAsync("resumed", Guard);
        await probe.ExpectMsgAsync("post-stop", Guard);
    }

    [Fact]
    public async Task AbandonMessage_WhileReceiveAsyncAwaits_WaitsForHandlerThenStops()
    {
        var (actor, gate, probe) = await AwaitingHandlerAsync();

        actor.Tell(new Abandon());
        await probe.ExpectNoMsgAsync(Quiet);
        gate.SetResult();

        await probe.ExpectMsgAsync("resumed", Guard);
        await probe.ExpectMsgAsync("post-stop", Guard);
    }

    [Fact]
    public async Task ActorOf_SameNameRightAfterStop_ThrowsUntilTerminatedButUniqueNameWorks()
    {
        var probe = _test.Probe();
        var parent = _test.System.ActorOf(ActorProps.FromFactory(() => new ParentActor()), "parent");

        parent.Tell("respawn", probe.Ref);

        var outcome = await probe.ExpectMsgAsync<RespawnOutcome>(duration: Guard);
        Assert.Equal(nameof(InvalidActorNameException), outcome.SameName);
        Assert.Equal("claim-1-2", outcome.UniqueName);
        Assert.Equal("claim-1", await probe.ExpectMsgAsync<string>(duration: Guard)); // name free again after Terminated
    }

    [Fact]
    public async Task Sender_TellWithNoSender_IsDeadLettersNotNull()
    {
        var probe = _test.Probe();
        var probeRef = probe.Ref;
        var actor = _test.System.ActorOf(ActorProps.FromFactory(() => new SenderReporter(probeRef)));

        actor.Tell("who", ActorRefs.NoSender);

        var seen = await probe.ExpectMsgAsync<SeenSender>(duration: Guard);
        Assert.NotNull(seen.Sender);
        Assert.Equal(_test.System.DeadLetters, seen.Sender);
    }

    [Fact]
    public async Task ActorPropsCreate_ActorRestarts_FactoryBuildsAFreshInstance()
    {
        var probe = _test.Probe();
        var probeRef = probe.Ref;
        var built = 0;
        var actor = _test.System.ActorOf(ActorProps.FromFactory(() => new CountedActor(Interlocked.Increment(ref built), probeRef)));
        Assert.Equal(1, await probe.ExpectMsgAsync<int>(duration: Guard));
        actor.Tell("remember");

        actor.Tell("boom");

        Assert.Equal(2, await probe.ExpectMsgAsync<int>(duration: Guard));
        actor.Tell("who");
        Assert.Equal("instance 2, remembered 0", await probe.ExpectMsgAsync<string>(duration: Guard));
        Assert.Equal(2, Volatile.Read(ref built));
    }

    [Fact]
    public async Task CoordinatedShutdownRun_TasksInFourPhases_RunInPhaseOrderAndSystemTerminates()
    {
        var order = new ConcurrentQueue<string>();
        var shutdown = CoordinatedShutdown.Get(_test.System);
        string[] phases =
        [
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate,
            CoordinatedShutdown.PhaseServiceStop,
            CoordinatedShutdown.PhaseServiceRequestsDone,
            CoordinatedShutdown.PhaseServiceUnbind,
        ];
        foreach (var phase in phases)
        {
            shutdown.AddTask(phase, $"record-{phase}", () =>
            {
                order.Enqueue(phase);
                return Task.FromResult(Done.Instance);
            });
        }

        await shutdown.Run(CoordinatedShutdown.UnknownReason.Instance).WaitAsync(Guard);
        await _test.System.WhenTerminated.WaitAsync(Guard);

        Assert.Equal(["service-unbind", "service-requests-done", "service-stop", "before-actor-system-terminate"], order.ToArray());
    }

    private sealed record Work;

    private sealed record Abandon;

    private sealed record RespawnOutcome(string SameName, string UniqueName);

    private sealed record SeenSender(IActorRef? Sender);

    private sealed class AwaitingActor : ReceiveActor
    {
        private readonly IActorRef _probe;

        public AwaitingActor(IActorRef probe, Task gate)
        {
            _probe = probe;
            ReceiveAsync<Work>(async _ =>
            {
                probe.Tell("awaiting");
                await gate;
                probe.Tell("resumed");
            });
            Receive<Abandon>(_ => Context.Stop(Self));
        }

        protected override void PostStop() => _probe.Tell("post-stop");
    }

    private sealed class IdleChild : ReceiveActor
    {
        public IdleChild() => ReceiveAny(_ => { });
    }

    private sealed class ParentActor : ReceiveActor
    {
        private static readonly Props ChildProps = ActorProps.FromFactory(() => new IdleChild());
        private IActorRef _requester = ActorRefs.Nobody;

        public ParentActor()
        {
            Receive<string>(_ =>
            {
                _requester = Sender;
                var first = Context.ActorOf(ChildProps, "claim-1");
                Context.Watch(first);
                Context.Stop(first);
                string sameName;
                try
                {
                    Context.ActorOf(ChildProps, "claim-1");
                    sameName = "created";
                }
                catch (InvalidActorNameException ex)
                {
                    sameName = ex.GetType().Name;
                }

                var unique = Context.ActorOf(ChildProps, "claim-1-2");
                Sender.Tell(new RespawnOutcome(sameName, unique.Path.Name));
            });
            Receive<Terminated>(_ => _requester.Tell(Context.ActorOf(ChildProps, "claim-1").Path.Name));
        }
    }

    private sealed class SenderReporter : ReceiveActor
    {
        public SenderReporter(IActorRef probe) => Receive<string>(_ => probe.Tell(new SeenSender(Sender)));
    }

    private sealed class CountedActor : ReceiveActor
    {
        private readonly int _instance;
        private readonly IActorRef _probe;
        private int _remembered;

        public CountedActor(int instance, IActorRef probe)
        {
            _instance = instance;
            _probe = probe;
            Receive<string>(m => m == "remember", _ => _remembered++);
            Receive<string>(m => m == "boom", _ => throw new InvalidOperationException("crash on purpose"));
            Receive<string>(m => m == "who", _ => probe.Tell($"instance {_instance}, remembered {_remembered}"));
        }

        protected override void PreStart() => _probe.Tell(_instance);
    }
}
