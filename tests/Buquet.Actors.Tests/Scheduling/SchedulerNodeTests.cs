using System.Globalization;
using Buquet.Actors.Scheduling;

namespace Buquet.Actors.Tests.Scheduling;

public sealed class SchedulerNodeTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);
    private readonly SchedulingFixture _f = new();

    [Fact]
    public async Task RunTickAsync_ThreeNodesLeaderKilledBetweenSlots_EverySlotFiredExactlyOnce()
    {
        _f.SetTime(Utc("2026-01-28T12:00:00Z"));
        await _f.Client.Schedules.CreateAsync(new ScheduleSpec("every-minute", "t", "* * * * *"));
        var nodes = Enumerable.Range(0, 3).Select(i => new SchedulerNode(_f.NewClient(), $"node-{i}", Ttl)).ToList();
        var alive = new List<SchedulerNode>(nodes);
        var killed = new List<string>();

        // 6 minutes in 5 s steps: lease rounds every 5 s (TTL/3), ticks every 10 s; kill the leader at xx:30.
        for (var step = 1; step <= 72; step++)
        {
            _f.Time.Advance(TimeSpan.FromSeconds(5));
            foreach (var node in alive)
            {
                await node.RunLeaseRoundAsync();
            }

            if (step % 2 == 0)
            {
                foreach (var node in alive)
                {
                    await node.RunTickAsync();
                }
            }

            if (step % 12 == 6 && killed.Count < 2)
            {
                var leader = Assert.Single(alive, n => n.Election.IsLeaderAt(_f.Now));
                alive.Remove(leader); // SIGKILL: no release, no more renewals
                killed.Add(leader.NodeId);
            }
        }

        var tasks = await _f.TasksAsync("t");
        Assert.Equal(6, tasks.Count); // slots 12:01 .. 12:06
        Assert.Equal(2, killed.Count);
        var lastRun = (await _f.Client.Schedules.GetAsync("every-minute"))!.LastRun!;
        Assert.Contains(tasks, t => t.Id == lastRun.LastTaskId);
        for (var minute = 1; minute <= 6; minute++)
        {
            var slot = Utc("2026-01-28T12:00:00Z").AddMinutes(minute);
            var record = await _f.Memory.GetAsync(SlotRecordKey("t", $"schedule:every-minute:{slot.ToUnixTimeSeconds()}"));
            Assert.True(record is not null, $"slot {slot:t} never fired");
        }
    }

    [Fact]
    public async Task RunTickAsync_Standby_DoesNotTick()
    {
        await _f.Client.Schedules.CreateAsync(new ScheduleSpec("m", "t", "* * * * *"));
        var leader = new SchedulerNode(_f.NewClient(), "a", Ttl);
        var standby = new SchedulerNode(_f.NewClient(), "b", Ttl);
        Assert.True(await leader.RunLeaseRoundAsync());
        Assert.False(await standby.RunLeaseRoundAsync());
        _f.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.True(await leader.RunLeaseRoundAsync());

        Assert.Null(await standby.RunTickAsync());
        Assert.Empty(await _f.TasksAsync());
        Assert.Equal(1, (await leader.RunTickAsync())!.Fired);
    }

    [Fact]
    public async Task ResignAsync_Leader_StandbyLeadsOnNextRound()
    {
        var a = new SchedulerNode(_f.NewClient(), "a", Ttl);
        var b = new SchedulerNode(_f.NewClient(), "b", Ttl);
        Assert.True(await a.RunLeaseRoundAsync());

        await a.ResignAsync();

        Assert.True(await b.RunLeaseRoundAsync());
        Assert.Null(await a.RunTickAsync());
    }

    private static string SlotRecordKey(string scope, string key) =>
        Buquet.Actors.Protocol.TaskKeys.Idempotency(
            scope, Buquet.Actors.Protocol.Json.Hashes.Hex(Buquet.Actors.Protocol.Json.Hashes.IdempotencyKeyHash(scope, key)));

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);
}
