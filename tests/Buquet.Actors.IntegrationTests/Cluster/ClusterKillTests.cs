using Buquet.Actors.Client;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.IntegrationTests.Processes;
using Buquet.Actors.Protocol;
using Xunit.Abstractions;

namespace Buquet.Actors.IntegrationTests.Cluster;

/// <summary>Which node of a <see cref="ClusterFleet"/> a case SIGKILLs (its index in the fleet).</summary>
public enum FleetRole
{
    /// <summary>The first seed, the cluster's oldest member.</summary>
    Oldest = 0,

    /// <summary>The lowest address: Akka's leader while it is reachable.</summary>
    LowestAddress = 1,

    /// <summary>Neither (3-node fleets only).</summary>
    Plain = 2,
}

/// <summary>
/// Issue 20's quality bar with real processes (ADR 0026): a fleet of <c>buquet worker --cluster</c> processes on
/// loopback loses one node to SIGKILL while it runs tasks. No other worker exits; the survivors see the loss (a 2-node
/// survivor becomes <c>isolated</c>), pick up new tasks over S3 with no push, and once the killed node is restarted
/// the cluster re-forms and every worker claims a member's pushed tasks again. Every task completes, each attempt
/// executed at most once (execution logs). The producer that pushes is the test process itself, a cluster member.
/// </summary>
[Collection("Processes")]
public sealed class ClusterKillTests(ITestOutputHelper output)
{
    /// <summary>Per stage; not what the test measures (a loaded 2-core machine may start processes slowly).</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(2, FleetRole.Oldest)]
    [InlineData(2, FleetRole.LowestAddress)]
    [InlineData(3, FleetRole.Oldest)]
    [InlineData(3, FleetRole.LowestAddress)]
    [InlineData(3, FleetRole.Plain)]
    public async Task Sigkill_NodeOfClusteredFleet_SurvivorsStayUpUseS3AndPushReturnsAfterRejoin(int nodes, FleetRole role)
    {
        var victim = (int)role;
        Assert.InRange(victim, 0, nodes - 1);
        var started = TimeProvider.System.GetTimestamp();
        var timeline = new List<string>();
        void Mark(string what) => timeline.Add($"{what} {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0}");
        using var fleet = await ClusterFleet.StartAsync(nodes);
        var plain = new BuquetClient(fleet.Store);
        var tasks = new List<Guid>();
        await fleet.UntilAsync(() => AllAsync(fleet, $"clustered ({nodes})"), Guard, $"every worker clustered ({nodes})");
        var formed = TimeProvider.System.GetElapsedTime(started);
        Mark("formed");

        await using (var member = new FleetMember(fleet.Store, fleet.Seeds))
        {
            await member.UntilMembersAsync(nodes + 1, Guard);
            var (byAge, lowest) = await member.PeersAsync(Guard);
            Assert.Equal(fleet.ClusterPort(0), byAge[0]);
            Assert.Equal(fleet.ClusterPort(1), lowest);
            await PushUntilEveryWorkerWokenAsync(fleet, member, tasks);
            Mark("pushed");
        }

        // The member has left: the fleet is back to its workers (a 2-node survivor must be alone after the kill).
        await fleet.UntilAsync(() => AllAsync(fleet, $"clustered ({nodes})"), Guard, "the test's member left");
        var first = (await fleet.RegistryAsync(victim))!.Value.StartedAt;
        await SubmitSleepersUntilVictimRunsOneAsync(fleet, plain, victim, nodes, tasks);
        fleet.Kill(victim);
        Mark("killed");
        var killed = TimeProvider.System.GetTimestamp();

        // Outage: the survivors notice, keep running, finish the killed node's tasks after their leases expire, and
        // pick up new work over S3 (nothing pushes: the only member that could is gone).
        var outage = nodes == 2 ? "isolated" : $"clustered ({nodes - 1})";
        await fleet.UntilAsync(() => AllAsync(fleet, outage), Guard, $"survivors {outage}");
        var detached = TimeProvider.System.GetElapsedTime(killed);
        await fleet.UntilAsync(() => AllTerminalAsync(plain, tasks), Guard, "the killed node's tasks recovered");
        var recovered = TimeProvider.System.GetElapsedTime(killed);
        var before = await ScrapeAsync(fleet);
        var overS3 = await plain.SubmitManyAsync(Enumerable.Range(0, 3).Select(i => new TaskSubmission("buquet.echo", new { overS3 = i })));
        tasks.AddRange(overS3.Select(s => s.Task!.Id));
        await fleet.UntilAsync(() => AllTerminalAsync(plain, tasks), Guard, "tasks submitted during the outage completed");
        var during = await ScrapeAsync(fleet);
        Assert.True(await AllAsync(fleet, outage), "a survivor's state changed during the outage: " + await fleet.DescribeAsync());
        Assert.All(during, p => Assert.Equal(before[p.Key].PushWakeUps, p.Value.PushWakeUps));
        var pickedUp = during.Sum(p => p.Value.PushPickups + p.Value.S3Pickups - before[p.Key].PushPickups - before[p.Key].S3Pickups);
        Assert.True(pickedUp >= overS3.Count, "pickups during the outage: " + string.Join(", ", during));
        if (nodes == 2)
        {
            // Isolated: nothing can push or relay, so every pickup came over S3 (hint or poll). A 3-node fleet's
            // survivors are still a cluster of two and relay the plain client's hint moves to each other.
            Assert.All(during, p => Assert.Equal(before[p.Key].PushPickups, p.Value.PushPickups));
        }

        Mark("outage checked");
        fleet.Restart(victim);
        var restarted = TimeProvider.System.GetTimestamp();
        await fleet.UntilAsync(async () => await AllAsync(fleet, $"clustered ({nodes})") && (await fleet.RegistryAsync(victim))!.Value.StartedAt > first,
            Guard, $"the cluster re-formed with the restarted {ClusterFleet.Id(victim)}");
        var rejoined = TimeProvider.System.GetElapsedTime(restarted);
        Mark("re-formed");
        await using (var member = new FleetMember(fleet.Store, fleet.Seeds))
        {
            await member.UntilMembersAsync(nodes + 1, Guard);
            await PushUntilEveryWorkerWokenAsync(fleet, member, tasks);
            Mark("pushed again");
        }

        await fleet.UntilAsync(() => AllTerminalAsync(plain, tasks), Guard, "every task terminal");
        fleet.AssertNoLiveWorkerExited();
        var exits = await fleet.StopAsync();
        Mark("stopped");
        Assert.True(exits.Values.All(e => e == 0), "graceful stops: " + string.Join(", ", exits) + Environment.NewLine + await fleet.DescribeAsync());
        var recoveredTasks = await AssertEachTaskCompletedOncePerAttemptAsync(plain, tasks, fleet.LogDirectory);
        Assert.True(recoveredTasks > 0, "no task was cut by the kill: the test measured nothing");
        output.WriteLine($"{nodes}-node fleet, {role} node killed: formed {formed.TotalSeconds:0.0}s after start; survivors {outage} {detached.TotalSeconds:0.0}s after the kill, " +
            $"its tasks recovered after {recovered.TotalSeconds:0.0}s; re-formed {rejoined.TotalSeconds:0.0}s after the restart; {tasks.Count} tasks, {recoveredTasks} run again after the kill; " +
            $"push/hint wake-ups during the outage: {string.Join(", ", during.Select(p => $"{p.Key} {p.Value.PushWakeUps - before[p.Key].PushWakeUps}/{p.Value.HintWakeUps - before[p.Key].HintWakeUps}"))}; " +
            $"seed-probe restarts: {fleet.CountInOutput("so that a new one joins through the seeds")}; timeline (s): {string.Join(", ", timeline)}");
    }

    /// <summary>Submits through the member until every live worker has claimed a pushed task (each ready key reaches one
    /// worker of the handler group, ADR 0027; a push published before a new member's subscriptions replicated is lost:
    /// at most once), each submit one more task to complete.</summary>
    private static async Task PushUntilEveryWorkerWokenAsync(ClusterFleet fleet, FleetMember member, List<Guid> tasks)
    {
        var before = await ScrapeAsync(fleet);
        await fleet.UntilAsync(async () =>
        {
            tasks.Add((await member.Client.SubmitAsync("buquet.echo", new { pushed = tasks.Count })).Id);
            var now = await ScrapeAsync(fleet);
            return now.All(p => p.Value.PushPickups > before[p.Key].PushPickups);
        }, Guard, "every worker claimed a pushed task");
    }

    /// <summary>
    /// Submits batches of short sleepers until <paramref name="victim"/> runs one, so the kill cuts a task. One batch
    /// is not enough: whichever worker LISTs first may claim it all (16 slots each) before the other looks, so a new
    /// batch goes in whenever nothing is left pending and the victim still runs nothing.
    /// </summary>
    private static async Task SubmitSleepersUntilVictimRunsOneAsync(ClusterFleet fleet, BuquetClient plain, int victim, int nodes, List<Guid> tasks)
    {
        var batches = 0;
        await fleet.UntilAsync(async () =>
        {
            var all = (await WorkerFleetTests.ListAllAsync(plain)).Values;
            if (all.Any(t => t.Status == BuquetTaskStatus.Running && t.WorkerId == ClusterFleet.Id(victim)))
            {
                return true;
            }

            if (!all.Any(t => t.Status == BuquetTaskStatus.Pending))
            {
                batches++;
                var sleepers = await plain.SubmitManyAsync(Enumerable.Range(0, 3 * nodes).Select(i =>
                    new TaskSubmission("buquet.sleep", new { ms = 2000, i, batches }, new SubmitOptions { Timeout = TimeSpan.FromSeconds(4), MaxRetries = 3 })));
                tasks.AddRange(sleepers.Select(s => s.Task!.Id));
            }

            return false;
        }, Guard, $"{ClusterFleet.Id(victim)} runs a task");
    }

    private static async Task<Dictionary<string, WakePaths>> ScrapeAsync(ClusterFleet fleet)
    {
        var live = fleet.Live.ToList();
        var scraped = await Task.WhenAll(live.Select(fleet.ScrapeAsync));
        return live.Select((node, i) => (node, i)).ToDictionary(p => ClusterFleet.Id(p.node), p => scraped[p.i]);
    }

    /// <summary>Whether every live worker's registry entry says <paramref name="state"/>.</summary>
    private static async Task<bool> AllAsync(ClusterFleet fleet, string state)
    {
        foreach (var node in fleet.Live)
        {
            if ((await fleet.RegistryAsync(node))?.Cluster != state)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<bool> AllTerminalAsync(BuquetClient client, IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
        {
            if ((await client.GetAsync(id))?.IsTerminal != true)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Every task completed; its logged executions ran distinct attempts up to the task's, one of them (the last)
    /// completed it — or none, when the kill fell between the completion write and its log line. Returns how many tasks
    /// ran more than one attempt.
    /// </summary>
    private static async Task<int> AssertEachTaskCompletedOncePerAttemptAsync(BuquetClient client, IReadOnlyCollection<Guid> ids, string logDirectory)
    {
        var log = ExecutionLogReader.ReadDirectory(logDirectory);
        Assert.Empty(log.BadLines);
        var executions = log.Executions.ToLookup(e => e.Start.TaskId);
        var again = 0;
        foreach (var id in ids)
        {
            var task = (await client.GetAsync(id))!;
            var runs = executions[id].ToList();
            var described = $"task {id} ({task.TaskType}, attempt {task.Attempt}, {task.Status}): " + string.Join("; ", runs);
            Assert.True(task.Status == BuquetTaskStatus.Completed, described);
            Assert.True(runs.GroupBy(e => e.Start.Attempt).All(g => g.Count() == 1), "an attempt ran twice: " + described);
            Assert.True(runs.All(e => e.Start.Attempt >= 1 && e.Start.Attempt <= task.Attempt), described);
            var completed = runs.Where(e => e.End?.Outcome == ExecutionOutcomes.Completed).ToList();
            Assert.True(completed.Count == 1 ? completed[0].Start.Attempt == task.Attempt : completed.Count == 0 && runs.Any(e => e.End is null), described);
            again += task.Attempt > 1 ? 1 : 0;
        }

        return again;
    }
}
