using Buquet.Actors.Kernel;
using Buquet.Actors.Kernel.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Kernel;

public sealed class SupervisionTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ActorSystem _system;
    private readonly TestProbe _probe;

    public SupervisionTests()
    {
        _system = TestActorSystem.Create(_clock);
        _probe = new TestProbe(_system);
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(KernelTest.Guard);

    [Fact]
    public async Task Restart_AfterFailure_KeepsMailboxAndDropsFailingMessage()
    {
        using var gate = new ManualResetEventSlim();
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<string>(s =>
        {
            switch (s)
            {
                case "block":
                    gate.Wait(KernelTest.Guard);
                    break;
                case "fail":
                    throw new Boom("fail");
                default:
                    _probe.Tell($"{s}@{a.Instance}");
                    break;
            }
        })));
        actor.Tell("before");
        var first = await _probe.ExpectMsgAsync<string>();
        var firstInstance = first.Split('@')[1];
        actor.Tell("block");
        actor.Tell("fail");
        actor.Tell("a");
        actor.Tell("b");

        gate.Set();

        var a = await _probe.ExpectMsgAsync<string>();
        var b = await _probe.ExpectMsgAsync<string>();
        Assert.StartsWith("a@", a, StringComparison.Ordinal);
        Assert.StartsWith("b@", b, StringComparison.Ordinal);
        Assert.NotEqual(firstInstance, a.Split('@')[1]);
        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
    }

    [Fact]
    public async Task Restart_Lifecycle_RunsHooksInAkkaOrder()
    {
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<string>(_ => throw new Boom("x")), hooks: _probe));
        var started = await _probe.ExpectMsgAsync<string>();

        actor.Tell("crash");

        var id = started.Split(':')[1];
        Assert.Equal($"PreRestart:{id}:crash", await _probe.ExpectMsgAsync<string>());
        Assert.Equal($"PostStop:{id}", await _probe.ExpectMsgAsync<string>());
        var postRestart = await _probe.ExpectMsgAsync<string>();
        Assert.StartsWith("PostRestart:", postRestart, StringComparison.Ordinal);
        Assert.Equal("PreStart:" + postRestart.Split(':')[1], await _probe.ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task Resume_Directive_KeepsInstanceState()
    {
        var strategy = new OneForOneStrategy(_ => Directive.Resume);
        var parent = _system.ActorOf(FuncActor.Props(p =>
        {
            var child = p.Ctx.ActorOf(FuncActor.Props(c =>
            {
                var count = 0;
                c.On<string>(s =>
                {
                    count++;
                    if (s == "fail")
                    {
                        throw new Boom("resume me");
                    }

                    _probe.Tell(count);
                });
            }), "child");
            p.On<string>(s => child.Tell(s));
        }, strategy: strategy));

        parent.Tell("ok");
        parent.Tell("fail");
        parent.Tell("ok");

        Assert.Equal(1, await _probe.ExpectMsgAsync<int>());
        Assert.Equal(3, await _probe.ExpectMsgAsync<int>());
    }

    [Fact]
    public async Task DefaultDecider_ConstructorThrows_StopsChild()
    {
        _probe.SubscribeTo<DeadLetter>();
        var actor = _system.ActorOf(Props.Create<FuncActor>(() => throw new Boom("ctor")));
        _probe.Watch(actor);

        await _probe.FishForMessageAsync<Terminated>();
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new ActorInitializationException()));
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new ActorKilledException()));
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new DeathPactException()));
        Assert.Equal(Directive.Restart, SupervisorStrategy.DefaultDecider(new Boom("other")));
    }

    [Fact]
    public async Task Kill_DefaultDecider_StopsActor()
    {
        var actor = _system.ActorOf(FuncActor.Props(_ => { }));
        _probe.Watch(actor);

        actor.Tell(Kill.Instance);

        await _probe.ExpectMsgAsync<Terminated>();
    }

    [Fact]
    public async Task OneForOne_RetriesExceededWithinWindow_StopsChild()
    {
        var strategy = new OneForOneStrategy(2, TimeSpan.FromMinutes(1));
        IActorRef? child = null;
        var parent = _system.ActorOf(FuncActor.Props(p =>
        {
            child = p.Ctx.ActorOf(FuncActor.Props(c => c.On<string>(_ => throw new Boom("again")), hooks: _probe), "child");
            p.On<string>(s => child.Tell(s));
        }, strategy: strategy));
        await _probe.ExpectMsgAsync<string>(s => s.StartsWith("PreStart", StringComparison.Ordinal));
        _probe.Watch(child!);

        for (var i = 0; i < 3; i++)
        {
            parent.Tell("fail");
        }

        await _probe.FishForMessageAsync<Terminated>(t => t.ActorRef == child);
    }

    [Fact]
    public async Task OneForOne_FailuresSpreadBeyondWindow_KeepsRestarting()
    {
        var strategy = new OneForOneStrategy(1, TimeSpan.FromSeconds(10));
        IActorRef? child = null;
        var parent = _system.ActorOf(FuncActor.Props(p =>
        {
            child = p.Ctx.ActorOf(FuncActor.Props(c => c.On<string>(s =>
            {
                if (s == "fail")
                {
                    throw new Boom("again");
                }

                _probe.Tell("alive");
            })), "child");
            p.On<string>(s => child.Tell(s));
        }, strategy: strategy));

        for (var i = 0; i < 3; i++)
        {
            parent.Tell("fail");
            parent.Tell("ping");
            Assert.Equal("alive", await _probe.ExpectMsgAsync<string>());
            _clock.Advance(TimeSpan.FromSeconds(11));
        }
    }

    [Fact]
    public async Task AllForOne_OneChildFails_RestartsSiblings()
    {
        var parent = _system.ActorOf(FuncActor.Props(p =>
        {
            var a = p.Ctx.ActorOf(FuncActor.Props(c => c.On<string>(_ => throw new Boom("a fails")), hooks: _probe), "a");
            p.Ctx.ActorOf(FuncActor.Props(_ => { }, hooks: _probe), "b");
            p.On<string>(s => a.Tell(s));
        }, strategy: new AllForOneStrategy()));
        await _probe.ExpectMsgAsync<string>(s => s.StartsWith("PreStart", StringComparison.Ordinal));
        await _probe.ExpectMsgAsync<string>(s => s.StartsWith("PreStart", StringComparison.Ordinal));

        parent.Tell("fail");

        var restarts = new List<string>();
        while (restarts.Count < 2)
        {
            restarts.Add(await _probe.FishForMessageAsync<string>(s => s.StartsWith("PostRestart", StringComparison.Ordinal)));
        }

        Assert.Equal(2, restarts.Distinct().Count());
    }

    [Fact]
    public async Task Escalate_ThroughParentToGuardian_CompletesWhenFatalAndTerminates()
    {
        await using var system = TestActorSystem.Create(_clock, options: new ActorSystemOptions { GuardianStrategy = new OneForOneStrategy(_ => Directive.Escalate) });
        var probe = new TestProbe(system);
        probe.SubscribeTo<ActorSystemFatal>();
        var parent = system.ActorOf(FuncActor.Props(p =>
        {
            var child = p.Ctx.ActorOf(FuncActor.Props(c => c.On<string>(_ => throw new Boom("deep"))), "child");
            p.On<string>(s => child.Tell(s));
        }, strategy: new OneForOneStrategy(_ => Directive.Escalate)), "parent");

        parent.Tell("fail");

        var fatal = await system.WhenFatal.WaitAsync(KernelTest.Guard);
        Assert.Equal("deep", fatal.Message);
        Assert.Equal("deep", (await probe.ExpectMsgAsync<ActorSystemFatal>()).Cause.Message);
        await system.WhenTerminated.WaitAsync(KernelTest.Guard);
    }

    [Fact]
    public async Task DefaultGuardian_TopLevelFails_RestartsAndSystemStaysHealthy()
    {
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<string>(s =>
        {
            if (s == "fail")
            {
                throw new Boom("top");
            }

            _probe.Tell(s);
        })));

        actor.Tell("fail");
        actor.Tell("after");

        Assert.Equal("after", await _probe.ExpectMsgAsync<string>());
        Assert.False(_system.WhenFatal.IsCompleted);
    }

    [Fact]
    public async Task Watch_WatchedActorStops_DeliversTerminated()
    {
        var target = _system.ActorOf(FuncActor.Props(_ => { }), "target");
        _system.ActorOf(FuncActor.Props(a =>
        {
            a.Ctx.Watch(target);
            a.On<Terminated>(t => _probe.Tell(t));
            a.On<string>(_ => a.Ctx.Stop(target));
        })).Tell("stop it");

        var terminated = await _probe.ExpectMsgAsync<Terminated>();

        Assert.Same(target, terminated.ActorRef);
    }

    [Fact]
    public async Task Watch_AlreadyStoppedActor_DeliversTerminatedImmediately()
    {
        var target = _system.ActorOf(FuncActor.Props(_ => { }));
        _probe.Watch(target);
        _system.Stop(target);
        await _probe.ExpectMsgAsync<Terminated>();

        _system.ActorOf(FuncActor.Props(a =>
        {
            a.Ctx.Watch(target);
            a.On<Terminated>(t => _probe.Tell("late terminated"));
        }));

        Assert.Equal("late terminated", await _probe.ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task Unwatch_BeforeStop_NoTerminated()
    {
        var target = _system.ActorOf(FuncActor.Props(_ => { }));
        var watcher = _system.ActorOf(FuncActor.Props(a =>
        {
            a.Ctx.Watch(target);
            a.On<Terminated>(_ => _probe.Tell("terminated"));
            a.On<string>(_ =>
            {
                a.Ctx.Unwatch(target);
                a.Ctx.Stop(target);
                _probe.Tell("unwatched");
            });
        }));

        watcher.Tell("go");

        Assert.Equal("unwatched", await _probe.ExpectMsgAsync<string>());
        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
    }

    [Fact]
    public async Task Watch_TerminatedUnhandled_DeathPactStopsWatcher()
    {
        var target = _system.ActorOf(FuncActor.Props(_ => { }));
        var watcher = _system.ActorOf(FuncActor.Props(a =>
        {
            a.Ctx.Watch(target);
            a.On<string>(_ => a.Ctx.Stop(target));
        }));
        _probe.Watch(watcher);

        watcher.Tell("go");

        await _probe.ExpectMsgAsync<Terminated>(t => t.ActorRef == watcher);
    }

    [Fact]
    public async Task Stop_Parent_StopsChildrenFirst()
    {
        var parent = _system.ActorOf(FuncActor.Props(p => p.Ctx.ActorOf(FuncActor.Props(_ => { }, hooks: _probe), "child"), hooks: _probe));
        var ids = new[]
        {
            int.Parse((await _probe.ExpectMsgAsync<string>()).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse((await _probe.ExpectMsgAsync<string>()).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture),
        };

        _system.Stop(parent);

        var first = await _probe.ExpectMsgAsync<string>();
        var second = await _probe.ExpectMsgAsync<string>();
        Assert.Equal($"PostStop:{ids.Max()}", first); // the child was constructed inside the parent's constructor
        Assert.Equal($"PostStop:{ids.Min()}", second);
        Assert.Null(_system.Lookup(parent.Path.Elements));
    }
}
