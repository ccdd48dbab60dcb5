using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Worker.Handlers;
using Xunit.Abstractions;
using Buquet.Actors.Worker.CancelWatches;

namespace Buquet.Actors.Tests.Worker.CancelWatches;

/// <summary>
/// The request cost of the cancel checks of a whole worker over one virtual hour at the default interval, with few and
/// with many running tasks: HEADs of <c>hints/cancel/</c> per hour = checks × shards in use, whatever the task count.
/// The counts are printed (the figures in ADR 0017 and docs/architecture.md).
/// </summary>
public sealed class CancelWatchCostTests(ITestOutputHelper output) : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(40, 1)]
    [InlineData(40, 4)]
    public async Task Worker_HourWithRunningTasks_HintHeadsPerShardInUseNotPerTask(int tasks, int shards)
    {
        var counting = new PrefixCountingStore(_h.Memory);
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().Add<object>("sleep", async (_, ctx) =>
        {
            if (Interlocked.Increment(ref started) == tasks)
            {
                allStarted.SetResult();
            }

            await TestHandlers.WaitForCancellationAsync(ctx);
        });
        var wanted = Enumerable.Range(0, shards).Select(i => i.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        for (var i = 0; i < tasks; i++)
        {
            // Ids whose shard (their first hex digit) spreads the tasks evenly over the wanted shards.
            Guid id;
            do
            {
                id = Guid.NewGuid();
            }
            while (_h.Repository.Shards.ShardOf(id) != wanted[i % shards]);

            var spec = new SubmitSpec(id, wanted[i % shards], "sleep", null) { TimeoutSeconds = 7200 };
            Assert.NotNull(await _h.Repository.CreateAsync(TaskTransitions.Submit(spec, _h.Clock.GetUtcNow())));
        }

        var settings = WorkerHarness.Settings(concurrency: tasks);
        var checks = _h.System.CreateProbe("checks");
        checks.SubscribeTo<CancelWatch.Checked>();
        _h.StartWorker(settings, handlers, store: counting);
        await _h.PumpUntilAsync(allStarted.Task.ContinueWith(_ => true, TaskScheduler.Default));
        await _h.PumpUntilAsync(checks.ExpectMsgAsync<CancelWatch.Checked>(c => c.RunningTasks == tasks, WorkerHarness.Guard));
        counting.Reset();

        var rounds = (int)(TimeSpan.FromHours(1) / settings.CancelCheckInterval);
        var reReads = 0;
        for (var i = 0; i < rounds; i++)
        {
            _h.Clock.Advance(settings.CancelCheckInterval);
            var check = await checks.ExpectMsgAsync<CancelWatch.Checked>(WorkerHarness.Guard);
            Assert.Equal(tasks, check.RunningTasks);
            reReads += check.ReReads;
        }

        var heads = counting.Heads(CancelHints.Prefix);
        output.WriteLine($"{tasks} running task(s) in {shards} shard(s), interval {settings.CancelCheckInterval.TotalSeconds:0} s: " +
            $"{heads} cancel-hint HEADs in one hour ({rounds} checks), {counting.Gets("tasks/")} task GETs, {reReads} re-reads");
        Assert.Equal(rounds * shards, heads);
        Assert.Equal(0, reReads);
    }
}
