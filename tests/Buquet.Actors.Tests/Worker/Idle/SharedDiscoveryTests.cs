using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Worker.Idle;

/// <summary>
/// Shared idle discovery (<c>polling.share-idle-discovery</c>): idle workers take turns at the full LIST of
/// <c>ready/</c>, so a fleet lists once per <c>idle-max-interval</c> in total, and a task written without a wake-up
/// hint (a buquet peer) is still found within about one interval; the finder touches the hint for the rest.
/// </summary>
public sealed class SharedDiscoveryTests
{
    private const int Workers = 5;

    private static async Task<IdleWorkerHarness> IdleFleetAsync(bool share)
    {
        var h = new IdleWorkerHarness(o => o.Worker.Polling.ShareIdleDiscovery = share);
        for (var i = 0; i < Workers; i++)
        {
            h.StartWorker($"worker-{i}", 21 + i);
        }

        // Going idle takes a few empty polls; the census runs when a worker goes idle.
        await h.RunAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(5));
        h.Store.Reset();
        return h;
    }

    [Theory]
    [InlineData(true, 9, 11)]
    [InlineData(false, 40, 60)]
    public async Task Idle_FleetOfFive_DiscoveryListsPerTwentyMinutes(bool share, int min, int max)
    {
        await using var h = await IdleFleetAsync(share);
        await h.RunAsync(TimeSpan.FromMinutes(20), TimeSpan.FromSeconds(5));

        // Ten 2-minute slots: one LIST each when shared; every worker every 2 minutes when not. Each sweeper pass lists
        // ready/ too (once per tasks/ LIST): not the poller's.
        var discovery = h.Store.Count(StoreOperation.List, "ready") - h.Store.Count(StoreOperation.List, "tasks");
        Assert.InRange(discovery, min, max);
    }

    [Fact]
    public async Task Idle_TaskWrittenWithoutHint_FoundWithinOneTurnAndHintRelayed()
    {
        await using var h = await IdleFleetAsync(share: true);
        var peer = new BuquetClient(h.Memory, new BuquetClientOptions { WakeHints = false }, h.Time);
        var task = await peer.SubmitAsync("buquet.echo", new { n = 1 });
        Assert.Equal(0, h.Store.Count(StoreOperation.Put, "hints"));

        var waited = TimeSpan.Zero;
        while ((await peer.GetAsync(task.Id))!.Status != BuquetTaskStatus.Completed)
        {
            Assert.True(waited <= TimeSpan.FromMinutes(2.5), $"a task written without a hint was not run within one turn (waited {waited})");
            await h.RunAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
            waited += TimeSpan.FromSeconds(5);
        }

        // The worker whose turn found it touched the hint, so the idle rest of the fleet looks too.
        Assert.True(h.Store.Count(StoreOperation.Put, "hints") >= 1, h.Store.Describe());
    }
}
