using Buquet.Actors.Kernel;
using Buquet.Actors.Kernel.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Kernel;

public sealed class MessagingTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ActorSystem _system;
    private readonly TestProbe _probe;

    public MessagingTests()
    {
        _system = TestActorSystem.Create(_clock);
        _probe = new TestProbe(_system);
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(KernelTest.Guard);

    [Fact]
    public async Task Ask_ActorReplies_ReturnsTypedReply()
    {
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<int>(i => a.CurrentSender!.Tell(i * 2))));

        Assert.Equal(42, await actor.Ask<int>(21, KernelTest.Guard));
    }

    [Fact]
    public async Task Ask_StatusFailureReply_FaultsWithCause()
    {
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<string>(_ => a.CurrentSender!.Tell(new Status.Failure(new Boom("nope"))))));

        var ex = await Assert.ThrowsAsync<Boom>(() => actor.Ask<int>("q", KernelTest.Guard));
        Assert.Equal("nope", ex.Message);
    }

    [Fact]
    public async Task Ask_NoReplyAndClockAdvanced_FaultsWithAskTimeout()
    {
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<string>(_ => _probe.Tell("got it"))));

        var ask = actor.Ask<int>("q", TimeSpan.FromSeconds(3));
        await _probe.ExpectMsgAsync<string>();
        Assert.False(ask.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(3));

        var ex = await Assert.ThrowsAsync<AskTimeoutException>(() => ask.WaitAsync(KernelTest.Guard));
        Assert.Contains(actor.Path.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_WrongReplyType_FaultsNamingTypes()
    {
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<string>(_ => a.CurrentSender!.Tell("text"))));

        var ex = await Assert.ThrowsAsync<InvalidCastException>(() => actor.Ask<int>("q", KernelTest.Guard));
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_FromHandler_KeepsOriginalSender()
    {
        var target = _system.ActorOf(FuncActor.Props(a => a.On<string>(s => a.CurrentSender!.Tell("from target: " + s))));
        var middle = _system.ActorOf(FuncActor.Props(a => a.On<string>(s => target.Forward(s))));

        middle.Tell("x", _probe);

        Assert.Equal("from target: x", await _probe.ExpectMsgAsync<string>());
    }

    [Fact]
    public void Forward_OutsideHandler_Throws() =>
        Assert.Throws<InvalidOperationException>(() => _probe.Forward("x"));

    [Fact]
    public async Task PipeTo_TaskSucceedsOrFails_SendsResultOrStatusFailure()
    {
        await Task.FromResult(7).PipeTo(_probe);
        await Task.FromException<int>(new Boom("bad")).PipeTo(_probe);
        await Task.CompletedTask.PipeTo(_probe);

        Assert.Equal(7, await _probe.ExpectMsgAsync<int>());
        Assert.Equal("bad", (await _probe.ExpectMsgAsync<Status.Failure>()).Cause.Message);
        await _probe.ExpectMsgAsync<Status.Success>();
    }

    [Fact]
    public async Task ReceiveAsync_HandlerAwaiting_HoldsMailboxUntilDone()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = _system.ActorOf(FuncActor.Props(a =>
        {
            a.OnAsync<string>(async s =>
            {
                _probe.Tell("start:" + s);
                await release.Task;
                _probe.Tell("end:" + s + ":" + a.CurrentSender?.Path.Name);
            });
            a.On<int>(i => _probe.Tell(i));
        }));

        actor.Tell("a", _probe);
        actor.Tell(1);
        Assert.Equal("start:a", await _probe.ExpectMsgAsync<string>());
        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
        release.SetResult();

        Assert.Equal($"end:a:{_probe.Path.Name}", await _probe.ExpectMsgAsync<string>());
        Assert.Equal(1, await _probe.ExpectMsgAsync<int>());
    }

    [Fact]
    public async Task ReceiveAsync_HandlerFaultsAfterAwait_ActorRestarts()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = _system.ActorOf(FuncActor.Props(a => a.OnAsync<string>(async _ =>
        {
            await release.Task;
            throw new Boom("async");
        }), hooks: _probe));
        Assert.StartsWith("PreStart", await _probe.ExpectMsgAsync<string>(), StringComparison.Ordinal);

        actor.Tell("x");
        release.SetResult();

        Assert.StartsWith("PreRestart", await _probe.ExpectMsgAsync<string>(), StringComparison.Ordinal);
        Assert.StartsWith("PostStop", await _probe.ExpectMsgAsync<string>(), StringComparison.Ordinal);
        Assert.StartsWith("PostRestart", await _probe.ExpectMsgAsync<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_DuringAsyncHandler_ProcessedAfterHandlerFinishes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = _system.ActorOf(FuncActor.Props(a => a.OnAsync<string>(async _ =>
        {
            _probe.Tell("started");
            await release.Task;
            _probe.Tell("finished");
        }), hooks: _probe));
        Assert.StartsWith("PreStart", await _probe.ExpectMsgAsync<string>(), StringComparison.Ordinal);
        _probe.Watch(actor);
        actor.Tell("work");
        Assert.Equal("started", await _probe.ExpectMsgAsync<string>());

        _system.Stop(actor);
        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
        release.SetResult();

        Assert.Equal("finished", await _probe.ExpectMsgAsync<string>());
        Assert.StartsWith("PostStop", await _probe.ExpectMsgAsync<string>(), StringComparison.Ordinal);
        await _probe.ExpectMsgAsync<Terminated>(t => t.ActorRef == actor);
    }

    [Fact]
    public async Task Stop_WithQueuedUserMessages_SystemLaneWinsAndRestGoToDeadLetters()
    {
        using var gate = new ManualResetEventSlim();
        var dead = new TestProbe(_system);
        dead.SubscribeTo<DeadLetter>();
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<int>(i =>
        {
            _probe.Tell(i);
            gate.Wait(KernelTest.Guard);
        })));
        actor.Tell(0);
        Assert.Equal(0, await _probe.ExpectMsgAsync<int>());
        actor.Tell(1);
        actor.Tell(2);

        _system.Stop(actor);
        gate.Set();

        Assert.Equal(1, (await dead.ExpectMsgAsync<DeadLetter>()).Message);
        Assert.Equal(2, (await dead.ExpectMsgAsync<DeadLetter>()).Message);
        await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
    }

    [Fact]
    public async Task PoisonPill_AfterQueuedMessages_StopsAfterProcessingThem()
    {
        var actor = _system.ActorOf(FuncActor.Props(a => a.On<int>(i => _probe.Tell(i))));
        _probe.Watch(actor);

        actor.Tell(1);
        actor.Tell(PoisonPill.Instance);

        Assert.Equal(1, await _probe.ExpectMsgAsync<int>());
        await _probe.ExpectMsgAsync<Terminated>();
    }
}
