using Buquet.Actors.ChaosTests.Proxy;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>A worker started while the store is unreachable waits for it (issue 9, finding 3) instead of exiting.</summary>
public sealed class StartupOutageTests
{
    [Fact]
    public async Task Worker_StartedDuringBlackhole_RetriesItsProbeThenRegistersAndWorks()
    {
        var moto = ProxiedMoto.MotoEndpoint();
        var bucket = await ProxiedMoto.CreateBucketAsync(moto);
        await using var proxy = await FaultProxy.StartAsync(moto, new FaultDecider(FaultPlan.None, 9));
        using var direct = await S3ObjectStore.CreateAsync(ProxiedMoto.StoreOptions(moto, bucket));
        using var fleet = new WorkerFleet(proxy.Address.ToString(), bucket, "shard-leasing.enabled = false", "store.max-retries = 0");
        proxy.Faults.StartBlackhole(TimeSpan.FromMinutes(5));

        var worker = fleet.Start("outage-w1");

        // Each probe attempt is held by the partition until the request timeout (3 s) and fails; the worker says why and retries.
        await fleet.WaitUntilAsync(() => Task.FromResult(worker.Tail(200).Contains("not reachable at start-up (attempt 2)", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "a second start-up probe attempt");
        Assert.False(worker.HasExited, worker.Tail());
        Assert.Null(await direct.HeadAsync("workers/outage-w1.json"));

        // The partition ends: the worker starts, registers and executes.
        proxy.Faults.EndBlackhole();
        await fleet.WaitUntilAsync(async () => await direct.HeadAsync("workers/outage-w1.json") is not null, TimeSpan.FromSeconds(90), "registration after the partition");
        var client = new BuquetClient(direct);
        var task = await client.SubmitAsync("buquet.echo", new { hello = "after the outage" });
        await fleet.WaitUntilAsync(async () => (await client.GetAsync(task.Id))?.Status == BuquetTaskStatus.Completed, TimeSpan.FromSeconds(60), "the task's completion");

        Assert.False(worker.HasExited, worker.Tail());
        await fleet.StopAllAsync();
        Assert.Equal(0, worker.ExitCode);
    }
}
