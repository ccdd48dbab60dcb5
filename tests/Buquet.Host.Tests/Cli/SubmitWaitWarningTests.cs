using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Host.Cli;

namespace Buquet.Host.Tests.Cli;

public sealed class SubmitWaitWarningTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Threshold = TimeSpan.FromSeconds(60);
    private readonly InMemoryObjectStore _store = new();

    private Task AddWorkerAsync(string id, TimeSpan age, params string[]? types) =>
        _store.PutAsync(TaskKeys.Worker(id), ModelJson.Serialize(new WorkerInfo(id, Now.AddHours(-1), Now - age, ["0"], null, 0, 0, types)), PutCondition.None);

    [Fact]
    public async Task DescribeAsync_NoLiveWorkerHandlesType_NamesTypeAndLiveWorkersWithTheirTypes()
    {
        await AddWorkerAsync("worker-a", TimeSpan.FromSeconds(5), "buquet.echo", "buquet.sleep");
        await AddWorkerAsync("worker-stale", TimeSpan.FromMinutes(5), "resize");

        var warning = await SubmitWaitWarning.DescribeAsync(_store, "resize", Now, Threshold, CancellationToken.None);

        Assert.NotNull(warning);
        Assert.Contains("no live worker is known to handle task type 'resize'", warning);
        Assert.Contains("live workers: worker-a (buquet.echo, buquet.sleep)", warning);
        Assert.DoesNotContain("worker-stale", warning);
        Assert.Contains("Still waiting", warning);
    }

    [Fact]
    public async Task DescribeAsync_LiveWorkerHandlesType_ReturnsNull()
    {
        await AddWorkerAsync("worker-a", TimeSpan.FromSeconds(5), "resize");

        Assert.Null(await SubmitWaitWarning.DescribeAsync(_store, "resize", Now, Threshold, CancellationToken.None));
    }

    [Fact]
    public async Task DescribeAsync_NoWorkers_SaysNoneIsRegistered()
    {
        var warning = await SubmitWaitWarning.DescribeAsync(_store, "resize", Now, Threshold, CancellationToken.None);

        Assert.Contains("no live worker is registered", warning);
    }

    [Fact]
    public async Task DescribeAsync_PeerWithoutPublishedTypes_SaysItMayTakeIt()
    {
        await AddWorkerAsync("rust-worker", TimeSpan.FromSeconds(1), null);

        var warning = await SubmitWaitWarning.DescribeAsync(_store, "resize", Now, Threshold, CancellationToken.None);

        Assert.Contains("rust-worker (types not published)", warning);
        Assert.Contains("may still take it", warning);
    }
}
