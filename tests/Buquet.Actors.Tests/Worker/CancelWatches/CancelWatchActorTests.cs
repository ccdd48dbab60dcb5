using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Worker.Handlers;
using Microsoft.Extensions.Logging.Abstractions;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.CancelWatches;

namespace Buquet.Actors.Tests.Worker.CancelWatches;

/// <summary>
/// The cancel watch alone, on virtual time: a probe stands in for the supervisor (it answers which tasks run) and for
/// the executors (they receive the re-read orders); a counting store counts the hint checks.
/// </summary>
public sealed class CancelWatchActorTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly WorkerHarness _h = new();
    private readonly RequestCountingObjectStore _store;
    private readonly TestProbe _supervisor;

    public CancelWatchActorTests()
    {
        _store = new RequestCountingObjectStore(_h.Memory);
        _supervisor = _h.System.CreateProbe("supervisor");
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    /// <summary>Starts the watch and waits until it has armed its first check (it answers Identify only after PreStart).</summary>
    private async Task StartWatchAsync()
    {
        var watch = _h.System.ActorOf(CancelWatch.Props(_h.Runtime(WorkerHarness.Settings(), new TaskHandlerRegistry(), _store), _supervisor.Ref, Interval), "cancel-watch");
        await watch.UntilProcessedAsync(WorkerHarness.Guard);
    }

    /// <summary>One check: advance to it, answer the supervisor's question, and wait for the next question (the round is done).</summary>
    private async Task CheckAsync(IReadOnlyList<CancelWatch.RunningTask> running)
    {
        _h.Clock.Advance(Interval);
        await _supervisor.ExpectMsgAsync<CancelWatch.GetRunningTasks>();
        _supervisor.Reply(new CancelWatch.RunningTasks(running));
    }

    /// <summary>Waits until the round answered last has been processed (the watch asks again only after it).</summary>
    private async Task SettleAsync()
    {
        _h.Clock.Advance(Interval);
        await _supervisor.ExpectMsgAsync<CancelWatch.GetRunningTasks>();
        _supervisor.Reply(new CancelWatch.RunningTasks([]));
    }

    private List<(CancelWatch.RunningTask Task, TestProbe Executor)> Running(int count, string shard)
    {
        var claimedAt = _h.Clock.GetUtcNow();
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var executor = _h.System.CreateProbe();
            return (new CancelWatch.RunningTask(Guid.NewGuid(), shard, claimedAt, executor.Ref), executor);
        })];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    public async Task Check_ManyRunningTasksInOneShard_OneHintHeadPerIntervalAndNoReads(int tasks)
    {
        var running = Running(tasks, "a");
        await StartWatchAsync();

        for (var i = 0; i < 6; i++)
        {
            await CheckAsync([.. running.Select(r => r.Task)]);
        }

        await SettleAsync();
        var counts = _store.Snapshot();
        Assert.Equal(6, counts[StoreOperation.Head]);
        Assert.Equal(0, counts[StoreOperation.Get]);
        Assert.Equal(6, counts.Total);
        foreach (var (_, executor) in running)
        {
            await executor.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(20));
        }
    }

    [Fact]
    public async Task Check_TwoShards_OneHeadPerShardWhateverTheTaskCount()
    {
        var running = Running(30, "a").Concat(Running(3, "b")).Select(r => r.Task).ToList();
        await StartWatchAsync();

        await CheckAsync(running);
        await CheckAsync(running);
        await SettleAsync();

        Assert.Equal(4, _store.Snapshot()[StoreOperation.Head]);
    }

    [Fact]
    public async Task Check_HintUnchanged_NoReRead_HintTouched_OnlyThatShardsExecutorsReRead()
    {
        await CancelHints.TouchAsync(_h.Memory, "a", NullLogger.Instance); // old requests, long before these claims
        await CancelHints.TouchAsync(_h.Memory, "b", NullLogger.Instance);
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        var inA = Running(2, "a");
        var inB = Running(2, "b");
        List<CancelWatch.RunningTask> all = [.. inA.Concat(inB).Select(r => r.Task)];
        await StartWatchAsync();

        await CheckAsync(all);
        await CheckAsync(all);
        foreach (var (_, executor) in inA.Concat(inB))
        {
            await executor.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
        }

        await CancelHints.TouchAsync(_h.Memory, "a", NullLogger.Instance);
        await CheckAsync(all);
        await SettleAsync();

        foreach (var (_, executor) in inA)
        {
            await executor.ExpectMsgAsync<Executor.CheckCancel>();
        }

        foreach (var (_, executor) in inB)
        {
            await executor.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
        }
    }

    [Fact]
    public async Task Check_RequestBetweenClaimAndFirstCheck_TaskReRead()
    {
        var running = Running(1, "a");
        _h.Clock.Advance(TimeSpan.FromSeconds(2));
        await CancelHints.TouchAsync(_h.Memory, "a", NullLogger.Instance); // after the claim, before the first HEAD
        await StartWatchAsync();

        await CheckAsync([running[0].Task]);
        await SettleAsync();

        await running[0].Executor.ExpectMsgAsync<Executor.CheckCancel>();
    }
}
