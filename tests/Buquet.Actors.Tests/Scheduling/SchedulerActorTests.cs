using System.Globalization;
using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Scheduling;

namespace Buquet.Actors.Tests.Scheduling;

public sealed class SchedulerActorTests : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private readonly SchedulingFixture _f = new();
    private readonly List<ActorSystem> _systems = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems)
        {
            await system.Terminate().WaitAsync(Guard);
        }
    }

    [Fact]
    public async Task Scheduler_ThreeActorsLeaderStoppedBetweenSlots_EverySlotFiredExactlyOnce()
    {
        _f.SetTime(Utc("2026-01-28T12:00:00Z"));
        await _f.Client.Schedules.CreateAsync(new ScheduleSpec("every-minute", "t", "* * * * *"));
        var nodes = new List<Node>();
        for (var i = 0; i < 3; i++)
        {
            nodes.Add(Start($"node-{i}"));
        }

        // Start-up: each actor runs one lease round and one tick immediately.
        foreach (var n in nodes)
        {
            await StepAsync(n, tick: true);
        }

        var stopped = 0;
        // Lease TTL 15 s (renewal every 5 s), ticks every 10 s; 6 minutes in 5 s steps.
        for (var step = 1; step <= 72; step++)
        {
            _f.Time.Advance(TimeSpan.FromSeconds(5));
            var leaders = 0;
            var tickers = 0;
            foreach (var n in nodes)
            {
                var (leads, ticked) = await StepAsync(n, tick: step % 2 == 0);
                leaders += leads ? 1 : 0;
                tickers += ticked ? 1 : 0;
            }

            Assert.True(leaders <= 1, $"step {step}: {leaders} leaders");
            Assert.True(tickers <= 1, $"step {step}: {tickers} schedulers ticked");

            if (step % 12 == 6 && stopped < 2)
            {
                var leader = await LeaderAsync(nodes);
                nodes.Remove(leader);
                leader.System.Stop(leader.Actor); // no resign: the lease must expire (a crash)
                stopped++;
            }
        }

        var tasks = await _f.TasksAsync("t");
        Assert.Equal(6, tasks.Count);
        for (var minute = 1; minute <= 6; minute++)
        {
            var slot = Utc("2026-01-28T12:00:00Z").AddMinutes(minute);
            var key = TaskKeys.Idempotency("t", Hashes.Hex(Hashes.IdempotencyKeyHash("t", $"schedule:every-minute:{slot.ToUnixTimeSeconds()}")));
            Assert.True(await _f.Memory.GetAsync(key) is not null, $"slot {slot:HH:mm} never fired");
        }
    }

    [Fact]
    public async Task Resign_Leader_ReleasesLeaseAndStandbyLeadsOnItsNextRound()
    {
        var a = Start("a");
        Assert.True((await a.Probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(_ => true, max: Guard)).IsLeader);
        var b = Start("b");
        Assert.False((await b.Probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(_ => true, max: Guard)).IsLeader);

        var result = await a.Actor.Ask<Scheduler.ResignResult>(Scheduler.Resign.Instance, Guard);
        _f.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("a", result.NodeId);
        var round = await b.Probe.FishForMessageAsync<Scheduler.LeaseRoundCompleted>(_ => true, max: Guard);
        Assert.True(round.IsLeader);
        Assert.Equal(2, round.FencingToken);
    }

    [Fact]
    public void SettingsFromConfig_Defaults_MapBuquetBehaviour()
    {
        var settings = Scheduler.Settings.FromConfig(new Buquet.Actors.Configuration.SchedulerOptions(), "w1");

        Assert.Equal(TimeSpan.FromSeconds(60), settings.TickInterval);
        Assert.Equal(TimeSpan.FromSeconds(90), settings.LeaderLeaseTtl);
        Assert.Equal(Buquet.Actors.Scheduling.Planning.CatchUpPolicy.None, settings.Defaults.CatchUp);
        Assert.Equal("UTC", settings.Defaults.TimeZone);
        Assert.Throws<ArgumentOutOfRangeException>(() => Scheduler.Settings.FromConfig(
            new Buquet.Actors.Configuration.SchedulerOptions { LeaderLeaseTtl = TimeSpan.FromSeconds(1) }, "w1"));
    }

    private Node Start(string id)
    {
        var system = TestActorSystem.Create(_f.Time);
        _systems.Add(system);
        var probe = system.CreateProbe(id);
        probe.SubscribeTo<Scheduler.LeaseRoundCompleted>();
        probe.SubscribeTo<Scheduler.TickCompleted>();
        var settings = new Scheduler.Settings(id, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), ScheduleExtensions.Default);
        var actor = system.ActorOf(Scheduler.Props(_f.NewClient(), settings), "scheduler");
        return new Node(id, system, actor, probe);
    }

    /// <summary>Waits for the lease round (and the tick) one timer step causes on <paramref name="n"/>, in any order.</summary>
    /// <returns>Whether it leads after the round, and whether it ran a tick (not merely stood by).</returns>
    private static async Task<(bool Leads, bool Ticked)> StepAsync(Node n, bool tick)
    {
        bool lease = false, ticked = !tick, leads = false, ran = false;
        while (!lease || !ticked)
        {
            switch (await n.Probe.ReceiveOneAsync(Guard))
            {
                case Scheduler.LeaseRoundCompleted l:
                    Assert.False(lease, $"{n.Id}: two lease rounds in one step");
                    lease = true;
                    leads = l.IsLeader;
                    break;
                case Scheduler.TickCompleted t:
                    Assert.False(ticked, $"{n.Id}: unexpected tick");
                    Assert.Null(t.Error);
                    ticked = true;
                    ran = t.Report is not null;
                    break;
            }
        }

        return (leads, ran);
    }

    private static async Task<Node> LeaderAsync(IEnumerable<Node> nodes)
    {
        var leaders = new List<Node>();
        foreach (var n in nodes)
        {
            if ((await n.Actor.Ask<Scheduler.StatusResult>(Scheduler.GetStatus.Instance, Guard)).IsLeader)
            {
                leaders.Add(n);
            }
        }

        return Assert.Single(leaders);
    }

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    private sealed record Node(string Id, ActorSystem System, IActorRef Actor, TestProbe Probe);
}
