using Buquet.Actors.Kernel;
using Buquet.Actors.Kernel.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Kernel;

public sealed class BackoffSupervisorTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ActorSystem _system;
    private readonly TestProbe _probe;

    public BackoffSupervisorTests()
    {
        _system = TestActorSystem.Create(_clock, seed: 7);
        _probe = new TestProbe(_system);
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(KernelTest.Guard);

    private Props Child() => FuncActor.Props(
        c => c.On<string>(s =>
        {
            switch (s)
            {
                case "fail":
                    throw new Boom("child failure");
                case "stop":
                    c.Ctx.Stop(c.Ctx.Self);
                    break;
                default:
                    _probe.Tell("child got " + s);
                    break;
            }
        }),
        hooks: _probe);

    /// <summary>The Terminated notice reaches the supervisor asynchronously: poll until it has scheduled the restart.</summary>
    private static async Task AwaitRestartCountAsync(IActorRef supervisor, int expected)
    {
        var start = TimeProvider.System.GetTimestamp();
        while ((await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, KernelTest.Guard)).Count != expected)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(start) < KernelTest.Guard, $"restart count never reached {expected}");
        }
    }

    private async Task ExpectStartAsync() => await _probe.FishForMessageAsync<string>(s => s.StartsWith("PreStart", StringComparison.Ordinal));

    [Fact]
    public async Task OnFailure_ChildFails_RecreatedAfterExponentialBackoff()
    {
        var supervisor = _system.ActorOf(BackoffSupervisor.Props(Backoff.OnFailure(Child(), "worker", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), 0)));
        await ExpectStartAsync();

        var restarts = 0;
        foreach (var delay in new[] { 1, 2, 3, 3 })
        {
            supervisor.Tell("fail");
            await AwaitRestartCountAsync(supervisor, ++restarts);
            await _probe.FishForMessageAsync<string>(s => s.StartsWith("PostStop", StringComparison.Ordinal));
            Assert.Null((await supervisor.Ask<BackoffSupervisor.CurrentChild>(BackoffSupervisor.GetCurrentChild.Instance, KernelTest.Guard)).Ref);
            _clock.Advance(TimeSpan.FromSeconds(delay) - TimeSpan.FromMilliseconds(1));
            await _probe.ExpectNoMsgAsync(KernelTest.Quiet);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            await ExpectStartAsync();
        }

        supervisor.Tell("hello");
        Assert.Equal("child got hello", await _probe.ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task OnFailure_ChildStopsVoluntarily_SupervisorStops()
    {
        var supervisor = _system.ActorOf(BackoffSupervisor.Props(Backoff.OnFailure(Child(), "worker", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), 0)));
        await ExpectStartAsync();
        _probe.Watch(supervisor);

        supervisor.Tell("stop");

        await _probe.FishForMessageAsync<Terminated>(t => t.ActorRef == supervisor);
    }

    [Fact]
    public async Task OnStop_ChildStops_RecreatedAfterMinBackoff()
    {
        var supervisor = _system.ActorOf(BackoffSupervisor.Props(Backoff.OnStop(Child(), "worker", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), 0)));
        await ExpectStartAsync();

        supervisor.Tell("stop");
        await AwaitRestartCountAsync(supervisor, 1);
        _clock.Advance(TimeSpan.FromSeconds(2));

        await ExpectStartAsync();
    }

    [Fact]
    public async Task AutoReset_ChildHealthyForResetPeriod_RestartCountBackToZero()
    {
        var options = Backoff.OnFailure(Child(), "worker", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 0).WithAutoReset(TimeSpan.FromSeconds(10));
        var supervisor = _system.ActorOf(BackoffSupervisor.Props(options));
        await ExpectStartAsync();
        supervisor.Tell("fail");
        await AwaitRestartCountAsync(supervisor, 1);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await ExpectStartAsync();
        Assert.Equal(1, (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, KernelTest.Guard)).Count);

        _clock.Advance(TimeSpan.FromSeconds(10));

        // The reset tick was enqueued by Advance, so it is processed before this Ask.
        Assert.Equal(0, (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, KernelTest.Guard)).Count);
    }

    [Fact]
    public void DelayFor_WithJitter_FollowsAkkaFormulaAndCaps()
    {
        var options = Backoff.OnFailure(Props.Create<BackoffProbeActor>(), "c", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30), 0.2);

        Assert.Equal(TimeSpan.FromSeconds(3), options.DelayFor(0, 0));
        Assert.Equal(TimeSpan.FromSeconds(6), options.DelayFor(1, 0));
        Assert.Equal(TimeSpan.FromSeconds(12 * 1.1), options.DelayFor(2, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(30), options.DelayFor(10, 0.99));
        Assert.Equal(TimeSpan.FromSeconds(30), options.DelayFor(int.MaxValue, 0));
    }

    [Fact]
    public void SeededRandomSource_SameSeed_SameSequence()
    {
        var a = TestActorSystem.SeededRandomSource(42);
        var b = TestActorSystem.SeededRandomSource(42);
        var c = TestActorSystem.SeededRandomSource(43);

        var seqA = Enumerable.Range(0, 5).Select(_ => a()).ToArray();
        Assert.Equal(seqA, Enumerable.Range(0, 5).Select(_ => b()).ToArray());
        Assert.NotEqual(seqA, Enumerable.Range(0, 5).Select(_ => c()).ToArray());
        Assert.All(seqA, x => Assert.InRange(x, 0, 1));
    }

    [Fact]
    public void OnFailure_BadArguments_ThrowNamingValue()
    {
        var props = Props.Create<BackoffProbeActor>();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.OnFailure(props, "c", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), 0));
        Assert.Equal("maxBackoff", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.OnStop(props, "c", TimeSpan.Zero, TimeSpan.FromSeconds(1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.OnStop(props, "c", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), -1));
    }

    private sealed class BackoffProbeActor : ReceiveActor;
}
