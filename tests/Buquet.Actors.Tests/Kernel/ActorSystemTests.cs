using Buquet.Actors.Kernel;
using Buquet.Actors.Kernel.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Kernel;

public sealed class ActorSystemTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ActorSystem _system;
    private readonly TestProbe _probe;

    public ActorSystemTests()
    {
        _system = TestActorSystem.Create(_clock);
        _probe = new TestProbe(_system);
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(KernelTest.Guard);

    [Fact]
    public async Task Tell_WithSender_HandlerSeesMessageAndSender()
    {
        var echo = _system.ActorOf(FuncActor.Props(a => a.On<string>(s => a.CurrentSender!.Tell("echo:" + s, a.Ctx.Self))), "echo");

        echo.Tell("hi", _probe);

        Assert.Equal("echo:hi", await _probe.ExpectMsgAsync<string>());
        Assert.Same(echo, _probe.LastSender);
    }

    [Fact]
    public async Task Receive_SeveralHandlersMatch_FirstRegisteredWins()
    {
        var actor = _system.ActorOf(FuncActor.Props(a =>
        {
            a.On<string>(_ => _probe.Tell("filtered"), s => s.StartsWith('x'));
            a.On<string>(_ => _probe.Tell("first"));
            a.On<object>(_ => _probe.Tell("second"));
        }));

        actor.Tell("abc");
        actor.Tell("xyz");

        Assert.Equal("first", await _probe.ExpectMsgAsync<string>());
        Assert.Equal("filtered", await _probe.ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task Tell_UnhandledMessage_PublishesUnhandledDeadLetter()
    {
        _probe.SubscribeTo<DeadLetter>();
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<string>(_ => { })));

        actor.Tell(42);

        var letter = await _probe.ExpectMsgAsync<DeadLetter>();
        Assert.True(letter.Unhandled);
        Assert.Equal(42, letter.Message);
        Assert.Equal(1, _system.DeadLetterCount);
    }

    [Fact]
    public async Task Tell_ToStoppedActor_GoesToDeadLetters()
    {
        _probe.SubscribeTo<DeadLetter>();
        var actor = _system.ActorOf(FuncActor.Props(_ => { }));
        _probe.Watch(actor);
        _system.Stop(actor);
        await _probe.ExpectMsgAsync<Terminated>();

        actor.Tell("late");

        var letter = await _probe.ExpectMsgAsync<DeadLetter>();
        Assert.False(letter.Unhandled);
        Assert.Equal("late", letter.Message);
    }

    [Fact]
    public async Task Lookup_NestedNamedActor_ReturnsSameRef()
    {
        var parent = _system.ActorOf(FuncActor.Props(a =>
        {
            var child = a.Ctx.ActorOf(FuncActor.Props(_ => { }), "child");
            a.On<string>(_ => a.CurrentSender!.Tell(child));
        }), "parent");
        var child = await parent.Ask<IActorRef>("which", KernelTest.Guard);

        Assert.Same(child, _system.Lookup("/user/parent/child"));
        Assert.Same(child, _system.Lookup("parent/child"));
        Assert.Same(child, _system.Lookup(child.Path.ToString()));
        Assert.Equal($"buquet://{_system.Name}/user/parent/child", child.Path.ToString());
        Assert.Null(_system.Lookup("/user/parent/none"));
    }

    [Fact]
    public void ActorOf_DuplicateOrInvalidName_ThrowsNamingTheName()
    {
        _system.ActorOf(FuncActor.Props(_ => { }), "dup");

        var dup = Assert.Throws<InvalidActorNameException>(() => _system.ActorOf(FuncActor.Props(_ => { }), "dup"));
        var bad = Assert.Throws<InvalidActorNameException>(() => _system.ActorOf(FuncActor.Props(_ => { }), "a/b"));

        Assert.Contains("'dup'", dup.Message, StringComparison.Ordinal);
        Assert.Contains("'a/b'", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CalledWithoutProps_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new FuncActor(_ => { }));
        Assert.Contains("Props", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tell_ReceiverBlocks_SenderReturnsWithoutRunningReceiverInline()
    {
        using var gate = new ManualResetEventSlim();
        var tellReturned = false;
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<string>(_ =>
        {
            _probe.Tell(Volatile.Read(ref tellReturned));
            gate.Wait(KernelTest.Guard);
        })));

        actor.Tell("go");
        Volatile.Write(ref tellReturned, true);
        gate.Set();

        Assert.True(await _probe.ExpectMsgAsync<bool>());
    }

    [Fact]
    public async Task Become_NewBehaviour_ReplacesHandlers()
    {
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<string>(_ =>
        {
            _probe.Tell("old");
            a.Switch(() => a.On<string>(_ => _probe.Tell("new")));
        })));

        actor.Tell("1");
        actor.Tell("2");

        Assert.Equal("old", await _probe.ExpectMsgAsync<string>());
        Assert.Equal("new", await _probe.ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task Tell_ManyMessagesFromOneSender_ArriveInOrder()
    {
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<int>(i => _probe.Tell(i))));
        for (var i = 0; i < 200; i++)
        {
            actor.Tell(i);
        }

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(i, await _probe.ExpectMsgAsync<int>());
        }
    }

    [Fact]
    public async Task Execute_MoreMessagesThanThroughput_YieldsThreadBetweenBatches()
    {
        await using var system = TestActorSystem.Create(_clock, options: new ActorSystemOptions { Throughput = 2 });
        using var gate = new ManualResetEventSlim();
        var actor = system.ActorOf(FuncActor.Props(a => a.On<int>(i =>
        {
            if (i == 0)
            {
                gate.Wait(KernelTest.Guard);
            }

            _probe.Tell(i);
        })));
        var cell = (ActorCell)actor;
        for (var i = 0; i < 11; i++)
        {
            actor.Tell(i);
        }

        var runsBefore = cell.Runs;
        gate.Set();
        for (var i = 0; i < 11; i++)
        {
            Assert.Equal(i, await _probe.ExpectMsgAsync<int>());
        }

        Assert.True(cell.Runs - runsBefore >= 5, $"expected >= 5 batches of 2, saw {cell.Runs - runsBefore}");
    }
}
