using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.IntegrationTests.Protocol;

/// <summary>Races between separate workers and producers (each with its own S3 client) on a real server.</summary>
public abstract class RaceTests : S3Bucket
{
    /// <summary>Tasks raced for per test (fewer on the slower server).</summary>
    protected abstract int Rounds { get; }

    [Fact]
    public async Task ClaimAsync_TenConcurrentWorkers_ExactlyOneClaimsEachTask()
    {
        var client = NewClient();
        var workers = new List<TaskRepository>();
        for (var i = 0; i < 10; i++)
        {
            workers.Add(await NewWorkerAsync());
        }

        for (var round = 0; round < Rounds; round++)
        {
            var task = await SubmitAvailableAsync(client, input: round);
            var candidates = await Task.WhenAll(workers.Select(w => w.GetAsync(task.Id)));
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = workers.Select((w, i) => Task.Run(async () =>
            {
                await start.Task;
                // Half claim a candidate they listed and read, half claim by id (their GET may already see the winner).
                return i % 2 == 0 ? await w.ClaimAsync(candidates[i]!, $"worker-{i}") : await w.ClaimAsync(task.Id, $"worker-{i}");
            })).ToList();
            start.SetResult();
            var outcomes = await Task.WhenAll(racers).WaitAsync(TimeSpan.FromSeconds(60));

            var winner = Assert.Single(outcomes, o => o.Claimed);
            Assert.All(outcomes.Where(o => !o.Claimed), o => Assert.Contains(o.Status, new[] { ClaimStatus.AlreadyClaimed, ClaimStatus.NotAvailable }));
            var stored = (await client.GetAsync(task.Id))!;
            Assert.Equal(BuquetTaskStatus.Running, stored.Status);
            Assert.Equal(winner.Snapshot!.Task.LeaseId, stored.LeaseId);
            Assert.Equal(winner.Snapshot.Task.WorkerId, stored.WorkerId);
            Assert.Equal(1, stored.Attempt);
            Assert.Null(await Store.HeadAsync(TaskKeys.Ready(stored.Shard, stored.AvailableAt, stored.Id)));
            Assert.NotNull(await Store.HeadAsync(TaskKeys.Lease(stored.Shard, stored.LeaseExpiresAt!.Value, stored.Id)));
        }
    }

    [Fact]
    public async Task SubmitAsync_EightProducersSameIdempotencyKey_AllGetOneTask()
    {
        var producers = new List<BuquetClient>();
        for (var i = 0; i < 8; i++)
        {
            var client = NewClient(await NewStoreAsync());
            await client.GetStoreTimeAsync();
            producers.Add(client);
        }

        for (var round = 0; round < Rounds; round++)
        {
            var key = $"order-{round}";
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = producers.Select(p => Task.Run(async () =>
            {
                await start.Task;
                return await p.SubmitAsync("integ.idem", new { order = round, sku = "ä\"<>" }, new SubmitOptions { IdempotencyKey = key });
            })).ToList();
            start.SetResult();
            var tasks = await Task.WhenAll(racers).WaitAsync(TimeSpan.FromSeconds(60));

            var id = Assert.Single(tasks.Select(t => t.Id).Distinct());
            Assert.NotNull(await producers[0].GetAsync(id));
        }

        var all = await producers[0].ListAsync(new TaskQuery { TaskType = "integ.idem" });
        Assert.Equal(Rounds, all.Tasks.Count);
    }

    [Fact]
    public async Task StaleLeaseHolder_AfterRecoveryAndReclaim_CannotCompleteFailOrRetry()
    {
        var client = NewClient();
        var stale = await NewWorkerAsync();
        var task = await SubmitAvailableAsync(client, options: new SubmitOptions { Timeout = TimeSpan.FromSeconds(5), MaxRetries = 3 });
        var held = (await stale.ClaimAsync(task.Id, "worker-stale")).Snapshot!;

        // The second worker's clock is the real store clock advanced past the lease (no real waiting).
        var time = new FakeTimeProvider();
        var store = await NewStoreAsync();
        var other = new TaskRepository(store, new StoreClock(store, time, TimeSpan.FromHours(1)), 1);
        await other.Clock.NowAsync();
        time.Advance(TimeSpan.FromMinutes(10));
        var observed = (await other.GetAsync(task.Id))!;
        var recovered = await other.RecoverTimeoutAsync(observed, () => 0.5);
        Assert.Equal(CasStatus.Written, recovered.Status);
        Assert.Equal(BuquetTaskStatus.Pending, recovered.Snapshot!.Task.Status);
        Assert.Equal(CasStatus.Refused, (await stale.CompleteAsync(held, null)).Status); // recovered, not yet reclaimed
        time.Advance(TimeSpan.FromMinutes(10));
        var reclaimed = await other.ClaimAsync(task.Id, "worker-new");
        Assert.Equal(ClaimStatus.Claimed, reclaimed.Status);
        var bodyBefore = (await Store.GetAsync(client.Repository.KeyOf(task.Id)))!;

        var complete = await stale.CompleteAsync(held, null);
        var fail = await stale.FailAsync(held, "late failure");
        var retry = await stale.RetryAsync(held, "late retry", () => 0.5);
        var extend = await stale.ExtendLeaseAsync(held, TimeSpan.FromMinutes(5));
        var reschedule = await stale.RescheduleAsync(held, TimeSpan.FromMinutes(5));

        Assert.All(new[] { complete, fail, retry, extend, reschedule }, o => Assert.Equal(CasStatus.Refused, o.Status));
        var after = (await Store.GetAsync(client.Repository.KeyOf(task.Id)))!;
        Assert.Equal(bodyBefore.ETag, after.ETag);
        Assert.True(bodyBefore.Body.Span.SequenceEqual(after.Body.Span));
        var current = (await client.GetAsync(task.Id))!;
        Assert.Equal(BuquetTaskStatus.Running, current.Status);
        Assert.Equal(reclaimed.Snapshot!.Task.LeaseId, current.LeaseId);
        Assert.Equal("worker-new", current.WorkerId);
        Assert.Equal(2, current.Attempt);

        // The new holder still finishes normally.
        Assert.Equal(CasStatus.Written, (await other.CompleteAsync(reclaimed.Snapshot, null)).Status);
    }
}

/// <summary>On moto (versioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class MotoRaceTests : RaceTests
{
    internal override S3TestServer Server => S3TestServer.Moto;

    protected override int Rounds => 4;
}

/// <summary>On Ceph RGW (unversioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class RgwRaceTests : RaceTests
{
    internal override S3TestServer Server => S3TestServer.Rgw;

    protected override int Rounds => 3;
}
