using System.Text;
using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Client;

public sealed class BuquetClientSubmitTests
{
    private sealed record Email(string To, int Priority);

    [Fact]
    public async Task SubmitAsync_PlainInput_WritesPeerReadableTaskAndReadyIndex()
    {
        var f = new ClientFixture();
        var task = await f.Client.SubmitAsync("send_email", new Email("user@example.com", 2));
        var stored = await f.Store.GetAsync(task.Key);
        var text = Encoding.UTF8.GetString(stored!.Body.Span);
        Assert.StartsWith($"{{\"id\":\"{task.Id}\",\"shard\":\"{task.Id.ToString("N")[..1]}\",\"task_type\":\"send_email\",\"input\":{{\"To\":\"user@example.com\",\"Priority\":2}},\"output\":null,\"timeout_seconds\":300,\"max_retries\":3,", text, StringComparison.Ordinal);
        Assert.Contains("\"created_at\":\"2026-01-28T12:00:00Z\"", text, StringComparison.Ordinal);
        Assert.NotNull(await f.Store.GetAsync(TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id)));
        Assert.Equal(task.Id, (await f.Client.GetAsync(task.Id))!.Id);
    }

    [Fact]
    public async Task SubmitAsync_Options_AreApplied()
    {
        var f = new ClientFixture();
        var policy = new RetryPolicy(500, 30000, 3.0, 0);
        var task = await f.Client.SubmitAsync("t", 1, new SubmitOptions
        {
            Delay = TimeSpan.FromMinutes(2), Timeout = TimeSpan.FromSeconds(600), MaxRetries = 5, RetryPolicy = policy,
            MaxReschedules = 10, Ttl = TimeSpan.FromHours(1),
        });
        Assert.Equal(f.Now.AddMinutes(2), task.AvailableAt);
        Assert.Equal(600, task.TimeoutSeconds);
        Assert.Equal(5, task.MaxRetries);
        Assert.Equal(policy, task.RetryPolicy);
        Assert.Equal(10, task.MaxReschedules);
        Assert.Equal(f.Now.AddHours(1), task.ExpiresAt);
        Assert.NotNull(await f.Store.GetAsync(TaskKeys.Ready(task.Shard, f.Now.AddMinutes(2), task.Id)));
        var runAt = await f.Client.SubmitAsync("t", 1, new SubmitOptions { RunAt = f.Now.AddDays(1), ExpiresAt = f.Now.AddDays(2) });
        Assert.Equal(f.Now.AddDays(1), runAt.AvailableAt);
        Assert.Equal(f.Now.AddDays(2), runAt.ExpiresAt);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("")]
    public async Task SubmitAsync_BadTaskType_ThrowsNamingIt(string type)
    {
        var f = new ClientFixture();
        await Assert.ThrowsAsync<ArgumentException>(() => f.Client.SubmitAsync(type, null));
        Assert.Equal(0, f.Store.Snapshot()[StoreOperation.Put]);
    }

    [Fact]
    public async Task SubmitAsync_ShardPrefixLength2_UsesTwoCharShards()
    {
        var f = new ClientFixture(new BuquetClientOptions { ShardPrefixLength = 2 });
        var task = await f.Client.SubmitAsync("t", null);
        Assert.Equal(task.Id.ToString("N")[..2], task.Shard);
        Assert.NotNull(await f.Client.GetAsync(task.Id));
    }

    [Fact]
    public async Task SubmitAsync_LargeInputWithOffload_StoresRefAndResolves()
    {
        var f = new ClientFixture(new BuquetClientOptions { OffloadLargePayloads = true, PayloadOffloadThresholdBytes = 10 });
        var task = await f.Client.SubmitAsync("t", new { text = "more than ten bytes" });
        Assert.Null(task.Input);
        Assert.Equal(TaskKeys.PayloadInput(task.Id), task.InputRef);
        var full = await f.Client.GetWithPayloadsAsync(task.Id);
        Assert.Equal("more than ten bytes", full!.Input!.Value.GetProperty("text").GetString());
        var small = await f.Client.SubmitAsync("t", 1234567890); // exactly 10 bytes: not strictly greater
        Assert.Null(small.InputRef);
        Assert.Equal(1234567890, small.Input!.Value.GetInt32());
    }

    [Fact]
    public async Task SubmitAsync_DuplicateIdempotencyKey_ReturnsExistingTaskWithoutWrites()
    {
        var f = new ClientFixture();
        var options = new SubmitOptions { IdempotencyKey = "order-123" };
        var first = await f.Client.SubmitAsync("charge_customer", new { amount = 100 }, options);
        f.Store.Reset();
        var second = await f.Client.SubmitAsync("charge_customer", new { amount = 100 }, options);
        Assert.Equal(first.Id, second.Id);
        var counts = f.Store.Snapshot();
        Assert.Equal(1, counts[StoreOperation.Put, StoreOutcome.PreconditionFailed]);
        Assert.Equal(0, counts[StoreOperation.Put, StoreOutcome.Ok]);
        Assert.Equal(2, counts[StoreOperation.Get]);
        var record = await f.Store.GetAsync("idempotency/charge_customer/72a3630b4151f81825244c4b457e48654a8b744cfed583654044140ad31163f4.json");
        var parsed = ModelJson.ParseIdempotency(record!.Body, record.Key);
        Assert.Equal(first.Id, parsed.TaskId);
        Assert.Equal(CanonicalJson.InputHash(JsonSerializer.SerializeToElement(new { amount = 100 })), parsed.InputHash);
        Assert.Equal(f.Now.AddDays(30), parsed.ExpiresAt);
    }

    [Fact]
    public async Task SubmitAsync_SameKeyDifferentInput_ThrowsConflict()
    {
        var f = new ClientFixture();
        await f.Client.SubmitAsync("t", 1, new SubmitOptions { IdempotencyKey = "k" });
        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => f.Client.SubmitAsync("t", 2, new SubmitOptions { IdempotencyKey = "k" }));
        Assert.Contains("'k'", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(await f.Client.SubmitAsync("other", 2, new SubmitOptions { IdempotencyKey = "k" })); // other scope
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => f.Client.SubmitAsync("x", 3, new SubmitOptions { IdempotencyKey = "k", IdempotencyScope = "t" }));
    }

    [Fact]
    public async Task SubmitAsync_ExpiredRecord_TakesOverAndCreatesNewTask()
    {
        var f = new ClientFixture();
        var options = new SubmitOptions { IdempotencyKey = "k", IdempotencyTtl = TimeSpan.FromMinutes(1) };
        var first = await f.Client.SubmitAsync("t", 1, options);
        f.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(first.Id, (await f.Client.SubmitAsync("t", 1, options)).Id); // at expires_at: still valid (now > expires_at expires)
        f.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await f.Client.SubmitAsync("t", 2, options); // expired: even a different input is fine
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(second.Id, (await f.Client.SubmitAsync("t", 2, options)).Id);
    }

    [Fact]
    public async Task SubmitAsync_RecordWithMissingTask_OldRecordTakenOver_FreshRecordCompleted()
    {
        var f = new ClientFixture();
        var options = new SubmitOptions { IdempotencyKey = "k" };
        var first = await f.Client.SubmitAsync("t", 1, options);
        await f.Store.DeleteAsync(first.Key);

        var helped = await f.Client.SubmitAsync("t", 1, options); // fresh record: recreate the recorded task id
        Assert.Equal(first.Id, helped.Id);

        await f.Store.DeleteAsync(first.Key);
        f.Time.Advance(TimeSpan.FromMinutes(5)); // BUG-013: an old record pointing nowhere is taken over
        var replaced = await f.Client.SubmitAsync("t", 1, options);
        Assert.NotEqual(first.Id, replaced.Id);
        Assert.Equal(replaced.Id, (await f.Client.SubmitAsync("t", 1, options)).Id);
    }

    [Fact]
    public async Task SubmitAsync_EightParallelDuplicates_OneTask()
    {
        for (var round = 0; round < 5; round++)
        {
            var f = new ClientFixture();
            var options = new SubmitOptions { IdempotencyKey = "dup", IdempotencyScope = IdempotencyScopes.Queue };
            var tasks = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => f.Client.SubmitAsync("t", new { v = 1 }, options))));
            Assert.Single(tasks.Select(t => t.Id).Distinct());
            var listed = await f.Client.ListAsync();
            Assert.Single(listed.Tasks);
        }
    }

    [Fact]
    public async Task SubmitManyAsync_MixedItems_PerItemResultsInOrder()
    {
        var f = new ClientFixture(new BuquetClientOptions { BulkParallelism = 3 });
        var items = Enumerable.Range(0, 10).Select(i => new TaskSubmission(i == 4 ? "bad/type" : "t", i)).ToList();
        var results = await f.Client.SubmitManyAsync(items);
        Assert.Equal(10, results.Count);
        Assert.Equal(Enumerable.Range(0, 10), results.Select(r => r.Index));
        Assert.False(results[4].Succeeded);
        Assert.IsType<ArgumentException>(results[4].Error);
        Assert.All(results.Where(r => r.Index != 4), r => Assert.Equal(r.Index, r.Task!.Input!.Value.GetInt32()));
    }
}
