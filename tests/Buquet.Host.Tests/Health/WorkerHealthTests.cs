using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Buquet.Actors.Worker.Supervisor;
using Buquet.Host.Health;

namespace Buquet.Host.Tests.Health;

/// <summary>Liveness and readiness of <c>buquet worker</c> against a stand-in supervisor that answers its status.</summary>
public sealed class WorkerHealthTests : TestKit
{
    private static WorkerStatus Status(WorkerPhase phase) => new(phase, [Guid.NewGuid()], 0, phase == WorkerPhase.Running ? 7 : 0, new Dictionary<string, int>());

    private TestProbe Supervisor(WorkerPhase phase)
    {
        var probe = CreateTestProbe();
        probe.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is WorkerSupervisor.GetStatus)
            {
                sender.Tell(Status(phase));
            }

            return AutoPilot.KeepRunning;
        }));
        return probe;
    }

    [Fact]
    public async Task Probes_BeforeTheStoreProbe_AliveButNotReady()
    {
        var health = new WorkerHealth();
        health.StoreUnavailable("attempt 2: HttpRequestException: Connection refused");

        var ready = await health.ReadinessAsync(CancellationToken.None);

        Assert.True(health.Liveness().Healthy);
        Assert.Equal(HealthResult.Fail("waiting for the store: attempt 2: HttpRequestException: Connection refused"), ready);
    }

    [Fact]
    public async Task Readiness_StoreOpenedButWorkerNotStarted_NotReady()
    {
        var health = new WorkerHealth();
        health.StoreOpened();

        Assert.Equal(HealthResult.Fail("the worker is starting"), await health.ReadinessAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Probes_StoreOpenedAndSupervisorClaiming_AliveAndReady()
    {
        var health = new WorkerHealth();
        health.StoreOpened();
        health.Attach(Sys, Supervisor(WorkerPhase.Running).Ref);

        var ready = await health.ReadinessAsync(CancellationToken.None);

        Assert.Equal(HealthResult.Ok("alive"), health.Liveness());
        Assert.Equal(HealthResult.Ok("claiming: 1 running, 7 free"), ready);
    }

    [Theory]
    [InlineData(nameof(WorkerPhase.Draining))]
    [InlineData(nameof(WorkerPhase.Cancelling))]
    public async Task Readiness_SupervisorDraining_NotReadyButAlive(string phaseName)
    {
        var phase = Enum.Parse<WorkerPhase>(phaseName);
        var health = new WorkerHealth();
        health.StoreOpened();
        health.Attach(Sys, Supervisor(phase).Ref);

        var ready = await health.ReadinessAsync(CancellationToken.None);

        Assert.False(ready.Healthy);
        Assert.StartsWith("draining", ready.Detail, StringComparison.Ordinal);
        Assert.True(health.Liveness().Healthy);
    }

    [Fact]
    public async Task Readiness_CoordinatedShutdownRunning_NotReadyFromTheFirstPhase()
    {
        // A system of its own: coordinated shutdown terminates it. Its service-unbind phase is held open by a task, as
        // the worker's "stop claiming" holds it, so the probe is asked while the drain is under way.
        using var system = ActorSystem.Create("health-drain", ConfigurationFactory.ParseString("akka.coordinated-shutdown.exit-clr = off"));
        var health = new WorkerHealth();
        health.StoreOpened();
        health.Attach(system, system.ActorOf(Props.Create(() => new RunningSupervisor()), "supervisor"));
        Assert.True((await health.ReadinessAsync(CancellationToken.None)).Healthy);
        var unbinding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "hold", async () =>
        {
            unbinding.TrySetResult();
            await release.Task;
            return Done.Instance;
        });

        var run = shutdown.Run(CoordinatedShutdown.ClrExitReason.Instance);
        await unbinding.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var draining = await health.ReadinessAsync(CancellationToken.None);
        release.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HealthResult.Fail("draining: the worker is shutting down and claims no new task"), draining);
    }

    [Fact]
    public async Task Probes_SupervisorStopped_NeitherAliveNorReady()
    {
        var health = new WorkerHealth();
        health.StoreOpened();
        var supervisor = Supervisor(WorkerPhase.Running);
        health.Attach(Sys, supervisor.Ref);

        Sys.Stop(supervisor.Ref);
        await AwaitConditionAsync(() => Task.FromResult(!health.Liveness().Healthy), TimeSpan.FromSeconds(10));

        Assert.Equal(HealthResult.Fail("the worker supervisor has stopped"), health.Liveness());
        Assert.Equal(HealthResult.Fail("the worker supervisor has stopped"), await health.ReadinessAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Readiness_SupervisorSilent_NotReadyWithinTheProbeTimeout()
    {
        var health = new WorkerHealth();
        health.StoreOpened();
        health.Attach(Sys, CreateTestProbe().Ref); // never answers

        var ready = await health.ReadinessAsync(CancellationToken.None);

        Assert.Equal(HealthResult.Fail("the worker supervisor did not answer within 800 ms"), ready);
    }

    private sealed class RunningSupervisor : ReceiveActor
    {
        public RunningSupervisor() => Receive<WorkerSupervisor.GetStatus>(_ => Sender.Tell(Status(WorkerPhase.Running)));
    }
}
