using System.Text;
using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.IntegrationTests.Client;

/// <summary>Submit, bulk submit, get and payload offload end to end on a real server.</summary>
public abstract class ClientSubmitTests : S3Bucket
{
    [Fact]
    public async Task SubmitAsync_Defaults_StoresPendingTaskWithReadyIndex()
    {
        var client = NewClient();
        var before = await client.GetStoreTimeAsync();

        var task = await client.SubmitAsync("integ.email", new { to = "ada@example.com", n = 3 });

        var stored = await client.GetAsync(task.Id);
        Assert.NotNull(stored);
        Assert.Equal(BuquetTaskStatus.Pending, stored.Status);
        Assert.Equal("integ.email", stored.TaskType);
        Assert.Equal("ada@example.com", stored.Input!.Value.GetProperty("to").GetString());
        Assert.Equal(3, stored.Input!.Value.GetProperty("n").GetInt32());
        Assert.Equal(300, stored.TimeoutSeconds);
        Assert.Equal(3, stored.MaxRetries);
        Assert.Equal(stored.CreatedAt, stored.AvailableAt);
        Assert.InRange(stored.CreatedAt, before.AddSeconds(-2), before.AddSeconds(30));
        Assert.NotNull(await Store.HeadAsync(TaskKeys.Ready(stored.Shard, stored.AvailableAt, stored.Id)));
    }

    [Fact]
    public async Task SubmitAsync_DelayRunAtTtlTimeoutRetries_AreStoredAsGiven()
    {
        var client = NewClient();
        var now = await client.GetStoreTimeAsync();
        var runAt = new DateTimeOffset(now.Year + 1, 3, 4, 5, 6, 7, TimeSpan.Zero);

        var delayed = await client.SubmitAsync("integ.t", 1, new SubmitOptions { Delay = TimeSpan.FromHours(1), Ttl = TimeSpan.FromHours(2), Timeout = TimeSpan.FromSeconds(42), MaxRetries = 7 });
        var scheduled = await client.SubmitAsync("integ.t", 2, new SubmitOptions { RunAt = runAt, ExpiresAt = runAt.AddDays(1), MaxReschedules = 4 });

        var d = (await client.GetAsync(delayed.Id))!;
        Assert.Equal(d.CreatedAt.AddHours(1), d.AvailableAt);
        Assert.Equal(d.CreatedAt.AddHours(2), d.ExpiresAt);
        Assert.Equal(42, d.TimeoutSeconds);
        Assert.Equal(7, d.MaxRetries);
        var s = (await client.GetAsync(scheduled.Id))!;
        Assert.Equal(runAt, s.AvailableAt);
        Assert.Equal(runAt.AddDays(1), s.ExpiresAt);
        Assert.Equal(4, s.MaxReschedules);
        Assert.NotNull(await Store.HeadAsync(TaskKeys.Ready(s.Shard, runAt, s.Id)));

        // Not yet available: a worker sees it and leaves it alone.
        var claim = await client.Repository.ClaimAsync(delayed.Id, "w-early");
        Assert.Equal(ClaimStatus.NotAvailable, claim.Status);
        Assert.Equal(BuquetTaskStatus.Pending, (await client.GetAsync(delayed.Id))!.Status);
    }

    [Fact]
    public async Task SubmitAsync_TtlPassedBeforeClaim_ClaimMarksTaskExpired()
    {
        var client = NewClient();
        var now = await client.GetStoreTimeAsync();
        var task = await client.SubmitAsync("integ.t", 1, new SubmitOptions { RunAt = now.AddMinutes(-2), ExpiresAt = now.AddMinutes(-1) });

        var claim = await client.Repository.ClaimAsync(task.Id, "w-late");

        Assert.Equal(ClaimStatus.Expired, claim.Status);
        var stored = (await client.GetAsync(task.Id))!;
        Assert.Equal(BuquetTaskStatus.Expired, stored.Status);
        Assert.NotNull(stored.ExpiredAt);
        Assert.Null(await Store.HeadAsync(TaskKeys.Ready(stored.Shard, stored.AvailableAt, stored.Id)));
        Assert.Equal(ClaimStatus.NotAvailable, (await client.Repository.ClaimAsync(task.Id, "w-later")).Status);
    }

    [Fact]
    public async Task SubmitAsync_InputAboveThreshold_IsOffloadedAndResolvedByGetWithPayloads()
    {
        var client = NewClient(options: new BuquetClientOptions { OffloadLargePayloads = true, PayloadOffloadThresholdBytes = 64 });
        var big = new { text = new string('x', 200), tag = "big" };

        var offloaded = await client.SubmitAsync("integ.big", big);
        var small = await client.SubmitAsync("integ.big", new { tag = "small" });

        var stored = (await client.GetAsync(offloaded.Id))!;
        Assert.Null(stored.Input);
        Assert.Equal(TaskKeys.PayloadInput(offloaded.Id), stored.InputRef);
        Assert.NotNull(await Store.GetAsync(stored.InputRef!));
        var resolved = (await client.GetWithPayloadsAsync(offloaded.Id))!;
        Assert.Equal("big", resolved.Input!.Value.GetProperty("tag").GetString());
        Assert.Equal(200, resolved.Input!.Value.GetProperty("text").GetString()!.Length);
        Assert.Null((await client.GetAsync(small.Id))!.InputRef);
        Assert.Equal("small", (await client.GetWithPayloadsAsync(small.Id))!.Input!.Value.GetProperty("tag").GetString());
    }

    [Fact]
    public async Task GetWithPayloadsAsync_OutputRef_ResolvesStoredOutput()
    {
        var client = NewClient();
        var task = await SubmitAvailableAsync(client);
        var claim = await client.Repository.ClaimAsync(task.Id, "w-out");
        var outputKey = TaskKeys.PayloadOutput(task.Id);
        await Store.PutAsync(outputKey, Encoding.UTF8.GetBytes("{\"rows\":12345}"), Buquet.Actors.Storage.PutCondition.None);

        var done = await client.Repository.CompleteAsync(claim.Snapshot!, null, outputKey);

        Assert.Equal(CasStatus.Written, done.Status);
        var resolved = (await client.GetWithPayloadsAsync(task.Id))!;
        Assert.Equal(BuquetTaskStatus.Completed, resolved.Task.Status);
        Assert.Equal(outputKey, resolved.Task.OutputRef);
        Assert.Equal(12345, resolved.Output!.Value.GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        var client = NewClient();

        Assert.Null(await client.GetAsync(Guid.NewGuid()));
        Assert.Null(await client.GetWithPayloadsAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task SubmitManyAsync_MixedItems_ReturnsPerItemResultsInOrder()
    {
        var client = NewClient();
        await client.SubmitAsync("integ.bulk", new { v = 1 }, new SubmitOptions { IdempotencyKey = "taken" });
        var items = new List<TaskSubmission>
        {
            new("integ.bulk", new { v = 10 }),
            new("bad/type", new { v = 11 }),
            new("integ.bulk", new { v = 12 }, new SubmitOptions { IdempotencyKey = "taken" }),
            new("integ.bulk", new { v = 13 }, new SubmitOptions { Timeout = TimeSpan.FromSeconds(9) }),
            new("integ.bulk", new { v = 1 }, new SubmitOptions { IdempotencyKey = "taken" }),
        };

        var results = await client.SubmitManyAsync(items);

        Assert.Equal([0, 1, 2, 3, 4], results.Select(r => r.Index));
        Assert.True(results[0].Succeeded);
        Assert.IsType<ArgumentException>(results[1].Error);
        Assert.Contains("bad/type", results[1].Error!.Message, StringComparison.Ordinal);
        Assert.IsType<IdempotencyConflictException>(results[2].Error);
        Assert.Equal(9, results[3].Task!.TimeoutSeconds);
        Assert.True(results[4].Succeeded);
        foreach (var ok in results.Where(r => r.Succeeded))
        {
            Assert.Equal(ok.Task!.Id, (await client.GetAsync(ok.Task.Id))!.Id);
        }

        var page = await client.ListAsync(new TaskQuery { TaskType = "integ.bulk" });
        Assert.Equal(3, page.Tasks.Count); // the first "taken" task, v=10, v=13; the duplicate wrote nothing
        Assert.Equal(JsonValueKind.Object, page.Tasks[0].Input!.Value.ValueKind);
    }
}

/// <summary>On moto (versioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class MotoClientSubmitTests : ClientSubmitTests
{
    internal override S3TestServer Server => S3TestServer.Moto;
}

/// <summary>On Ceph RGW (unversioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class RgwClientSubmitTests : ClientSubmitTests
{
    internal override S3TestServer Server => S3TestServer.Rgw;
}
