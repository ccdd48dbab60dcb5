using Buquet.Actors.Storage;
using Xunit.Abstractions;

namespace Buquet.Actors.Tests.Worker.Idle;

public sealed class WorkerIdleCostTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Worker_IdleTenMinutes_Breakdown()
    {
        await using var h = new IdleWorkerHarness();
        for (var i = 0; i < 10; i++)
        {
            h.StartWorker($"worker-{i:00}", 11 + i);
        }

        await h.RunAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        foreach (var r in h.Runtimes)
        {
            r.Activity.SetIdle(true);
        }

        await h.RunAsync(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));
        h.Store.Reset();
        await h.RunAsync(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));
        output.WriteLine(h.Store.Describe());
        Assert.True(h.Store.PutClass() > 0);
    }
}
