using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Storage;
using Xunit.Abstractions;

namespace Buquet.Actors.IntegrationTests.Processes;

/// <summary>
/// Issue 7's fleet test with real processes: three <c>buquet worker</c> processes all running the scheduler, a schedule
/// due every minute, the leader (holder of <c>leader/scheduler.json</c>) SIGKILLed after the first slot: every slot
/// fires exactly once. Slots are a minute apart, so this one test takes about four real minutes.
/// </summary>
[Collection("Processes")]
public sealed class SchedulerFleetTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task ThreeSchedulers_LeaderSigkilledBetweenSlots_EverySlotFiresOnce()
    {
        var server = S3TestServer.Moto;
        var bucket = await server.CreateBucketAsync();
        var config = WorkerFleetTests.WriteConfig("\nbuquet.scheduler { enabled = true, tick-interval = 1s, leader-lease-ttl = 6s }\n");
        using var store = await S3ObjectStore.CreateAsync(server.Options(bucket));
        var client = new BuquetClient(store);
        await client.Schedules.CreateAsync(new ScheduleSpec("every-minute", "buquet.echo", "* * * * *") { Input = new { from = "schedule" } });
        var workers = Enumerable.Range(0, 3).Select(i => WorkerProcess.Start(server, bucket, $"sched-{i}", config)).ToList();
        try
        {
            var started = DateTimeOffset.UtcNow;
            using var poll = new PeriodicTimer(TimeSpan.FromSeconds(1));
            string? killed = null;
            List<IGrouping<DateTimeOffset, Buquet.Actors.Protocol.TaskRecord>> slots;
            while (true)
            {
                var tasks = await WorkerFleetTests.ListAllAsync(client);
                slots = [.. tasks.Values.GroupBy(t => new DateTimeOffset(t.CreatedAt.Ticks - (t.CreatedAt.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero)).OrderBy(g => g.Key)];
                if (killed is null && slots.Count >= 1)
                {
                    var leader = await LeaderAsync(store);
                    var victim = workers.Single(w => w.Id == leader);
                    victim.Kill();
                    killed = leader;
                    output.WriteLine($"slot {slots[0].Key:HH:mm} fired; SIGKILLed the leader {leader}");
                }

                if (killed is not null && slots.Count >= 3)
                {
                    break;
                }

                if (DateTimeOffset.UtcNow - started >= Deadline)
                {
                    Assert.Fail($"only {slots.Count} slots fired after {Deadline}: " + await StateAsync(store, tasks.Values) +
                        string.Join(Environment.NewLine, workers.Select(w => $"--- {w.Id} ---{Environment.NewLine}{WorkerFleetTests.Tail(w.Output())}")));
                }

                await poll.WaitForNextTickAsync();
            }

            var newLeader = await LeaderAsync(store);
            output.WriteLine($"leader after the kill: {newLeader}; slots: " + string.Join(", ", slots.Select(s => $"{s.Key:HH:mm}={s.Count()}")));
            Assert.NotEqual(killed, newLeader);
            Assert.All(slots, s => Assert.True(s.Count() == 1, $"slot {s.Key:HH:mm} fired {s.Count()} times"));
            for (var i = 1; i < slots.Count; i++)
            {
                Assert.Equal(TimeSpan.FromMinutes(1), slots[i].Key - slots[i - 1].Key);
            }
        }
        finally
        {
            await Task.WhenAll(workers.Where(w => !w.HasExited).Select(w => w.StopAsync(TimeSpan.FromSeconds(20))));
            foreach (var w in workers)
            {
                w.Dispose();
            }

            File.Delete(config);
        }
    }

    /// <summary>What a failure needs to be understood: the leader lease, the schedule's last_run and every task's times.</summary>
    private static async Task<string> StateAsync(IObjectStore store, IEnumerable<Buquet.Actors.Protocol.TaskRecord> tasks)
    {
        var lease = await store.GetAsync("leader/scheduler.json");
        var lastRun = await store.GetAsync("schedules/every-minute/last_run.json");
        var clock = await store.GetServerTimeAsync();
        return $"{Environment.NewLine}store time {clock:O}{Environment.NewLine}" +
            $"leader/scheduler.json: {(lease is null ? "missing" : System.Text.Encoding.UTF8.GetString(lease.Body.Span))}{Environment.NewLine}" +
            $"last_run: {(lastRun is null ? "missing" : System.Text.Encoding.UTF8.GetString(lastRun.Body.Span))}{Environment.NewLine}" +
            string.Join(Environment.NewLine, tasks.OrderBy(t => t.CreatedAt).Select(t => $"task {t.Id} created {t.CreatedAt:O} {t.Status} by {t.WorkerId}")) + Environment.NewLine;
    }

    private static async Task<string> LeaderAsync(IObjectStore store)
    {
        var got = await store.GetAsync("leader/scheduler.json");
        Assert.NotNull(got);
        using var doc = JsonDocument.Parse(got.Body);
        return doc.RootElement.GetProperty("holder_id").GetString()!;
    }
}
