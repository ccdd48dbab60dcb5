using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Maintenance;

namespace Buquet.Actors.Tests.Worker.Maintenance;

public sealed class IndexSweeperTests
{
    private readonly MaintenanceFixture _f = new();

    private IndexSweeper NewSweeper(int maxObjects = 1000) => new(_f.Repo, MaintenanceFixture.NoJitter, maxObjects);

    [Fact]
    public async Task SweepAllAsync_PendingTaskWithoutReadyKey_ReadyKeyCreatedAndTaskClaimable()
    {
        var task = _f.NewPending();
        await _f.WriteWithoutIndexAsync(task); // crash after the create, before the ready-index PUT
        var readyKey = TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id);

        var report = await NewSweeper().SweepAllAsync();

        Assert.Equal(1, report.ReadyKeysCreated);
        Assert.True(await _f.ExistsAsync(readyKey));
        Assert.True((await _f.Repo.ClaimAsync(task.Id, "w2")).Claimed);
    }

    [Fact]
    public async Task SweepAllAsync_RunningTaskWithoutLeaseKey_LeaseKeyCreatedThenMonitorRecovers()
    {
        var pending = _f.NewPending();
        var running = Buquet.Actors.Protocol.Transitions.TaskTransitions.Claim(pending, _f.Now, new("w1", Guid.NewGuid())).Task!;
        await _f.WriteWithoutIndexAsync(running); // crash after the claim CAS, before the lease-index PUT
        var leaseKey = TaskKeys.Lease(running.Shard, running.LeaseExpiresAt!.Value, running.Id);

        var report = await NewSweeper().SweepAllAsync();
        Assert.Equal(1, report.LeaseKeysCreated);
        Assert.True(await _f.ExistsAsync(leaseKey));

        _f.Advance(TimeSpan.FromSeconds(running.TimeoutSeconds + 1));
        var recovery = await new LeaseRecovery(_f.Repo, MaintenanceFixture.NoJitter).RunCycleAsync();

        Assert.Equal(1, recovery.Recovered);
        Assert.Equal(BuquetTaskStatus.Pending, (await _f.GetAsync(running.Id)).Status);
    }

    [Fact]
    public async Task SweepAllAsync_RunningTaskWithoutLeaseKeyAlreadyExpired_RecoveredDirectly()
    {
        var pending = _f.NewPending();
        var running = Buquet.Actors.Protocol.Transitions.TaskTransitions.Claim(pending, _f.Now, new("w1", Guid.NewGuid())).Task!;
        await _f.WriteWithoutIndexAsync(running);
        _f.Advance(TimeSpan.FromSeconds(running.TimeoutSeconds + 1));

        var report = await NewSweeper().SweepAllAsync();

        Assert.Equal(1, report.Recovered);
        var task = await _f.GetAsync(running.Id);
        Assert.Equal(BuquetTaskStatus.Pending, task.Status);
        Assert.True(await _f.ExistsAsync(TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id)));
    }

    [Fact]
    public async Task SweepAllAsync_ReadyKeyOfRunningAndOfMissingTask_Deleted()
    {
        var running = (await _f.RunningAsync()).Task;
        var staleReady = TaskKeys.Ready(running.Shard, running.AvailableAt, running.Id);
        await _f.Inner.PutAsync(staleReady, ReadOnlyMemory<byte>.Empty, PutCondition.None); // the claim's ready DELETE was lost
        var orphan = TaskKeys.Ready("c", _f.Now, Guid.Parse("c0000000-0000-4000-8000-000000000000"));
        await _f.Inner.PutAsync(orphan, ReadOnlyMemory<byte>.Empty, PutCondition.None);

        _f.Advance(TaskRepository.YoungIndexKey + TimeSpan.FromSeconds(1)); // older than the keys a transition in flight writes
        var report = await NewSweeper().SweepAllAsync();

        Assert.Equal(2, report.StaleKeysDeleted);
        Assert.False(await _f.ExistsAsync(staleReady));
        Assert.False(await _f.ExistsAsync(orphan));
        Assert.True(await _f.ExistsAsync(TaskKeys.Lease(running.Shard, running.LeaseExpiresAt!.Value, running.Id)));
    }

    [Fact]
    public async Task SweepAllAsync_ReadyKeyInWrongBucket_Moved()
    {
        var task = _f.NewPending(edit: t => t with { AvailableAt = t.AvailableAt.AddMinutes(30) });
        await _f.WriteWithoutIndexAsync(task);
        var wrong = TaskKeys.Ready(task.Shard, _f.Now, task.Id);
        await _f.Inner.PutAsync(wrong, ReadOnlyMemory<byte>.Empty, PutCondition.None);

        _f.Advance(TaskRepository.YoungIndexKey + TimeSpan.FromSeconds(1)); // older than the keys a transition in flight writes
        var report = await NewSweeper().SweepAllAsync();

        Assert.Equal(1, report.KeysMoved);
        Assert.False(await _f.ExistsAsync(wrong));
        Assert.True(await _f.ExistsAsync(TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id)));
    }

    [Fact]
    public async Task SweepAllAsync_PendingPastTtl_MarkedExpiredAndReadyKeyGone()
    {
        var created = (await _f.SubmitAsync(edit: t => t with { ExpiresAt = t.CreatedAt.AddMinutes(1) })).Task;
        _f.Advance(TimeSpan.FromMinutes(2));

        var report = await NewSweeper().SweepAllAsync();

        Assert.Equal(1, report.Expired);
        Assert.Equal(BuquetTaskStatus.Expired, (await _f.GetAsync(created.Id)).Status);
        Assert.False(await _f.ExistsAsync(TaskKeys.Ready(created.Shard, created.AvailableAt, created.Id)));
    }

    [Fact]
    public async Task SweepAllAsync_LeaseKeyOfPendingTask_Deleted()
    {
        var pending = (await _f.SubmitAsync()).Task;
        var stale = TaskKeys.Lease(pending.Shard, _f.Now.AddMinutes(5), pending.Id);
        await _f.Inner.PutAsync(stale, ReadOnlyMemory<byte>.Empty, PutCondition.None);

        _f.Advance(TaskRepository.YoungIndexKey + TimeSpan.FromSeconds(1)); // older than the keys a transition in flight writes
        var report = await NewSweeper().SweepAllAsync();

        Assert.Equal(1, report.StaleKeysDeleted);
        Assert.False(await _f.ExistsAsync(stale));
        Assert.True(await _f.ExistsAsync(TaskKeys.Ready(pending.Shard, pending.AvailableAt, pending.Id)));
    }

    [Fact]
    public async Task SweepAllAsync_YoungLeaseKeyOfPendingTask_KeptForTheClaimInFlight()
    {
        // A claim writes its lease key before its CAS: seen in between, the key points at a task still pending.
        var pending = (await _f.SubmitAsync()).Task;
        var inFlight = TaskKeys.Lease(pending.Shard, _f.Now.AddMinutes(5), pending.Id);
        await _f.Inner.PutAsync(inFlight, ReadOnlyMemory<byte>.Empty, PutCondition.None);

        var report = await NewSweeper().SweepAllAsync();

        Assert.Equal(0, report.StaleKeysDeleted);
        Assert.True(await _f.ExistsAsync(inFlight));
    }

    [Fact]
    public async Task StepAsync_BoundedBudget_CursorContinuesAcrossCallsUntilPassCompletes()
    {
        var hidden = new List<TaskRecord>();
        for (var i = 0; i < 6; i++)
        {
            var task = _f.NewPending(shard: "9");
            await _f.WriteWithoutIndexAsync(task);
            hidden.Add(task);
        }

        var sweeper = NewSweeper(maxObjects: 4);
        var steps = 0;
        var created = 0;
        SweepReport step;
        do
        {
            step = await sweeper.StepAsync();
            Assert.True(step.Examined <= 4);
            created += step.ReadyKeysCreated;
            steps++;
        }
        while (!step.PassCompleted && steps < 100);

        Assert.True(step.PassCompleted);
        Assert.Equal(6, created);
        Assert.True(steps >= 2, "a 4-object budget cannot cover 6 tasks plus their 6 new keys in one call");
        foreach (var t in hidden)
        {
            Assert.True(await _f.ExistsAsync(TaskKeys.Ready(t.Shard, t.AvailableAt, t.Id)));
        }
    }

    [Fact]
    public async Task StepAsync_StopsMidShard_NextCallStartsAfterLastKey()
    {
        for (var i = 0; i < 3; i++)
        {
            await _f.SubmitAsync(shard: "0");
        }

        var sweeper = NewSweeper(maxObjects: 2);
        await sweeper.StepAsync();

        Assert.Equal(SweepPhase.ReadyKeys, sweeper.Cursor.Phase);
        Assert.StartsWith("ready/0/", sweeper.Cursor.After, StringComparison.Ordinal);
        var second = await sweeper.StepAsync();
        Assert.Equal(2, second.Examined); // the third ready key, then the first task object
    }

    [Fact]
    public async Task SweepAllAsync_SecondPassOverUnchangedTasks_NoTaskReads()
    {
        for (var i = 0; i < 5; i++)
        {
            var running = await _f.RunningAsync();
            await _f.Repo.CompleteAsync(running, null);
        }

        var sweeper = NewSweeper();
        await sweeper.SweepAllAsync();
        _f.Store.Reset();

        var second = await sweeper.SweepAllAsync();

        Assert.Equal(5, second.Examined);
        Assert.Equal(0, _f.Store.Snapshot()[StoreOperation.Get]);
    }

    [Fact]
    public async Task SweepAllAsync_MalformedTaskObject_CountedNotThrown()
    {
        await _f.Inner.PutAsync(TaskKeys.Task("4", Guid.Parse("40000000-0000-4000-8000-000000000000")), "[]"u8.ToArray(), PutCondition.None);
        var hidden = _f.NewPending(shard: "4");
        await _f.WriteWithoutIndexAsync(hidden);

        var report = await NewSweeper().SweepAllAsync();

        Assert.Equal(1, report.Malformed);
        Assert.Equal(1, report.ReadyKeysCreated);
    }

    [Fact]
    public async Task SweepAllAsync_TwoSweepersInParallel_ConsistentIndexes()
    {
        var tasks = new List<TaskRecord>();
        for (var i = 0; i < 20; i++)
        {
            var t = _f.NewPending();
            await _f.WriteWithoutIndexAsync(t);
            tasks.Add(t);
        }

        var a = NewSweeper(maxObjects: 7);
        var b = NewSweeper(maxObjects: 5);
        await Task.WhenAll(Task.Run(() => a.SweepAllAsync()), Task.Run(() => b.SweepAllAsync()));

        foreach (var t in tasks)
        {
            Assert.True(await _f.ExistsAsync(TaskKeys.Ready(t.Shard, t.AvailableAt, t.Id)));
        }
    }
}
