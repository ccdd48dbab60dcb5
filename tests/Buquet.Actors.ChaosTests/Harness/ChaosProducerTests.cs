using Buquet.Actors.ChaosTests.History;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.ChaosTests.Proxy;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>The producer half of the harness against moto through a faulty proxy, checked by the history checker.</summary>
public sealed class ChaosProducerTests
{
    [Fact]
    public async Task SubmitPlanAsync_ThroughFaultyProxy_EveryPlannedTaskStoredOnceAndPending()
    {
        const int Seed = 9;
        await using var env = await ProxiedMoto.StartAsync(Seed, requestTimeout: TimeSpan.FromSeconds(1));
        using var direct = await env.DirectStoreAsync();
        env.Proxy.Faults.Plan = new FaultPlan
        {
            SlowDownBurstProbability = 0.03,
            ConflictProbability = 0.1,
            InternalErrorProbability = 0.05,
            DropResponseProbability = 0.01,
        };
        var settings = new ChaosSettings { Seed = Seed, Tasks = 60, SubmitOver = TimeSpan.Zero, LeaseTtl = TimeSpan.FromSeconds(10) };
        var plan = await ChaosProducer.SubmitPlanAsync(new BuquetClient(env.Store), settings, new Random(Seed), CancellationToken.None);

        Assert.Equal(60, plan.Select(p => p.Id).Distinct().Count());
        Assert.True(env.Proxy.Faults.TotalInjected > 5, $"seed {Seed}: only {env.Proxy.Faults.TotalInjected} faults");
        var truth = new BuquetClient(direct);
        var final = await FinalStateReader.ReadAsync(truth, plan.Select(p => p.Id));
        Assert.All(final.Values, t => Assert.Equal(BuquetTaskStatus.Pending, t.Status));
        var stored = new List<string>();
        string? token = null;
        do
        {
            var page = await direct.ListAsync(new ListRequest("tasks/", ContinuationToken: token));
            stored.AddRange(page.Objects.Select(o => o.Key));
            token = page.NextContinuationToken;
        }
        while (token is not null);
        var listed = stored.Select(k => TaskKeys.TryParseTaskKey(k, out _, out var id) ? id : Guid.Empty).ToHashSet();
        var unlisted = plan.Where(p => !listed.Contains(p.Id)).Select(p => $"{p.Id} ({p.TaskType}): GET sees {final[p.Id].Status?.ToString() ?? "nothing"}");
        Assert.True(stored.Count == 60, $"{stored.Count} task objects listed; planned but not listed: {string.Join("; ", unlisted)}; listed keys: {string.Join(", ", stored)}");

        // Nothing ran, so the checker must call every task stuck pending (the checker's negative control on real data).
        var report = HistoryChecker.Check(plan, final, ExecutionLogReader.Pair([]), new HistoryCheckOptions { CheckedAt = await truth.GetStoreTimeAsync() });
        Assert.False(report.Passed);
        Assert.Equal(60, report.StuckPending.Count);
        Assert.Empty(report.Lost);
    }
}
