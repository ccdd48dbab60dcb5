using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli.Monitor;

/// <summary><c>buquet monitor</c> run as a real process against a local-directory store.</summary>
public sealed class MonitorCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly BuquetProcess _buquet;

    public MonitorCommandTests() => _buquet = new BuquetProcess(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task MonitorOnce_ExpiredLeaseAndMissingReadyKey_RepairsBoth()
    {
        Guid running;
        Guid orphaned;
        {
            using var store = new SqliteObjectStore(_dir.StorePath);
            var client = new BuquetClient(store);
            var a = await client.SubmitAsync("job", new { n = 1 });
            var b = await client.SubmitAsync("job", new { n = 2 });
            running = a.Id;
            orphaned = b.Id;
            var now = await client.GetStoreTimeAsync();

            // A: a worker claimed it and died; its lease ran out ten minutes ago; no ready key is left.
            var held = a with
            {
                Status = BuquetTaskStatus.Running,
                Attempt = 1,
                LeaseId = Guid.NewGuid(),
                WorkerId = "dead-worker",
                LeaseExpiresAt = now.AddMinutes(-10),
                UpdatedAt = now.AddMinutes(-15),
            };
            await PutAsync(store, held);
            await DeleteIndexKeysAsync(store, a.Id);

            // B: pending, but the crash hit between its write and its ready-key write.
            await DeleteIndexKeysAsync(store, b.Id);
            Assert.Empty(await IndexKeysAsync(store, b.Id));
        }

        var run = await _buquet.RunAsync("monitor", "--once", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var sweep = doc.RootElement.GetProperty("sweep");
        Assert.True(sweep.GetProperty("pass_completed").GetBoolean(), run.Stdout);
        Assert.Equal(1, sweep.GetProperty("ready_keys_created").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("check").GetProperty("recovered").GetInt32()
            + sweep.GetProperty("recovered").GetInt32());
        {
            using var store = new SqliteObjectStore(_dir.StorePath);
            var client = new BuquetClient(store);
            var a = await client.GetAsync(running);
            Assert.NotNull(a);
            Assert.Equal(BuquetTaskStatus.Pending, a.Status);
            Assert.Equal(1, a.RetryCount);
            Assert.Null(a.LeaseId);
            Assert.Contains(await IndexKeysAsync(store, running), k => k.StartsWith("ready/", StringComparison.Ordinal));
            Assert.Contains(await IndexKeysAsync(store, orphaned), k => k.StartsWith("ready/", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task MonitorOnce_HumanOutput_PrintsCheckSweepAndWorkers()
    {
        var run = await _buquet.RunAsync("monitor", "--once", "--sweep-page-size", "50");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Check: 16 shards", run.Stdout);
        Assert.Contains("Sweep: 0 objects examined", run.Stdout);
        Assert.Contains("Workers: none stale", run.Stdout);
    }

    [Fact]
    public async Task Monitor_BadCheckInterval_ExitsOneNamingTheValue()
    {
        var run = await _buquet.RunAsync("monitor", "--once", "--check-interval", "soon");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("soon", run.Stderr);
    }

    private static async Task PutAsync(IObjectStore store, TaskRecord task)
    {
        var result = await store.PutAsync(task.Key, TaskJson.Serialize(task), PutCondition.None);
        Assert.True(result.Succeeded);
    }

    private static async Task DeleteIndexKeysAsync(IObjectStore store, Guid id)
    {
        foreach (var key in await IndexKeysAsync(store, id))
        {
            await store.DeleteAsync(key, null);
        }
    }

    private static async Task<List<string>> IndexKeysAsync(IObjectStore store, Guid id)
    {
        var keys = new List<string>();
        foreach (var prefix in new[] { "ready/", "leases/" })
        {
            string? token = null;
            do
            {
                var page = await store.ListAsync(new ListRequest(prefix) { ContinuationToken = token });
                keys.AddRange(page.Objects.Select(o => o.Key).Where(k => k.EndsWith(id.ToString(), StringComparison.Ordinal)));
                token = page.NextContinuationToken;
            }
            while (token is not null);
        }

        return keys;
    }
}
