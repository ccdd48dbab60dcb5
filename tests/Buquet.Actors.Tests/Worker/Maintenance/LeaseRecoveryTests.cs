using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Maintenance;

namespace Buquet.Actors.Tests.Worker.Maintenance;

public sealed class LeaseRecoveryTests
{
    private readonly MaintenanceFixture _f = new();

    private LeaseRecovery NewRecovery(int maxKeys = 100, MaintenanceFixture? f = null, int? shardsPerCycle = null) =>
        new((f ?? _f).Repo, MaintenanceFixture.NoJitter, maxKeys, shardsPerCycle);

    [Fact]
    public async Task RunCycleAsync_ExpiredLease_TaskBackToPendingWithReadyKey()
    {
        var running = (await _f.RunningAsync()).Task;
        _f.Advance(TimeSpan.FromSeconds(running.TimeoutSeconds + 1));

        var report = await NewRecovery().RunCycleAsync();

        Assert.Equal(1, report.Recovered);
        var task = await _f.GetAsync(running.Id);
        Assert.Equal(BuquetTaskStatus.Pending, task.Status);
        Assert.Equal(1, task.RetryCount);
        Assert.False(await _f.ExistsAsync(TaskKeys.Lease(running.Shard, running.LeaseExpiresAt!.Value, running.Id)));
        Assert.True(await _f.ExistsAsync(TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id)));
    }

    [Fact]
    public async Task RunCycleAsync_ExtendedLeaseWhoseNewKeyFailed_NewKeyPutBeforeOldOneGoes()
    {
        // An extension moved the lease to a later minute, but its new key's PUT failed, so it kept the old key. When
        // the old key falls due, the recovery must not leave the running task without any lease key.
        var running = (await _f.RunningAsync()).Task;
        var oldKey = TaskKeys.Lease(running.Shard, running.LeaseExpiresAt!.Value, running.Id);
        var extended = await _f.Repo.ApplyAsync(running.Id, (t, now) => Buquet.Actors.Protocol.Transitions.TaskTransitions.ExtendLease(
            t, now, new Buquet.Actors.Protocol.Transitions.ExtendLeaseRequest(running.LeaseId!.Value, TimeSpan.FromMinutes(10))));
        var newKey = TaskKeys.Lease(running.Shard, extended.Snapshot!.Task.LeaseExpiresAt!.Value, running.Id);
        Assert.NotEqual(oldKey, newKey);
        await _f.Inner.DeleteAsync(newKey);
        await _f.Inner.PutAsync(oldKey, ReadOnlyMemory<byte>.Empty, PutCondition.None);
        _f.Advance(TimeSpan.FromSeconds(running.TimeoutSeconds + 61)); // the old key's minute is due, the new lease is not

        await NewRecovery().RunCycleAsync();

        Assert.Equal(BuquetTaskStatus.Running, (await _f.GetAsync(running.Id)).Status);
        Assert.False(await _f.ExistsAsync(oldKey));
        Assert.True(await _f.ExistsAsync(newKey), "the running task must stay in the lease index");
    }

    [Fact]
    public async Task RunCycleAsync_ClaimWhoseCasIsInFlight_PreWrittenLeaseKeyKept()
    {
        // Soak finding 12: a claim writes its lease key before its CAS, and with a short lease the key is in the
        // current minute, so a monitor cycle examines it at once. Between that PUT and the CAS the task still reads
        // pending; the monitor must not delete the key, or the claimed task runs outside the lease index.
        var pending = await _f.SubmitAsync(edit: t => t with { TimeoutSeconds = 10 });
        LeaseRecoveryReport? during = null;
        var flaky = new Buquet.Actors.Tests.Scheduling.FlakyObjectStore(_f.Inner)
        {
            BeforeConditionalPut = async _ => during ??= await NewRecovery().RunCycleAsync(),
        };

        var claim = await new TaskRepository(flaky, _f.Clock).ClaimAsync(pending, "w1");

        Assert.True(claim.Claimed, claim.Message);
        Assert.NotNull(during);
        Assert.Equal(1, during.KeysExamined); // the key was in the current bucket: the race is real
        var task = claim.Snapshot!.Task;
        Assert.True(await _f.ExistsAsync(TaskKeys.Lease(task.Shard, task.LeaseExpiresAt!.Value, task.Id)), "a claimed task must stay in the lease index");
    }

    [Fact]
    public async Task RunCycleAsync_StaleKeyYoungerThanAMinute_KeptUntilOld()
    {
        var pending = await _f.SubmitAsync(edit: t => t with { TimeoutSeconds = 10 });
        var stale = TaskKeys.Lease(pending.Task.Shard, _f.Now.AddSeconds(10), pending.Task.Id); // a lost claim's pre-write
        await _f.Inner.PutAsync(stale, ReadOnlyMemory<byte>.Empty, PutCondition.None);

        var young = await NewRecovery().RunCycleAsync();
        _f.Advance(TaskRepository.YoungIndexKey);
        var old = await NewRecovery().RunCycleAsync();

        Assert.Equal((1, 0), (young.KeysExamined, young.StaleKeysDeleted));
        Assert.Equal(1, old.StaleKeysDeleted);
        Assert.False(await _f.ExistsAsync(stale));
        Assert.Equal(BuquetTaskStatus.Pending, (await _f.GetAsync(pending.Task.Id)).Status);
    }

    [Fact]
    public async Task RunCycleAsync_NoRetryLeft_TaskFailed()
    {
        var running = (await _f.RunningAsync(edit: t => t with { MaxRetries = 0 })).Task;
        _f.Advance(TimeSpan.FromSeconds(running.TimeoutSeconds + 1));

        var report = await NewRecovery().RunCycleAsync();

        Assert.Equal(1, report.FailedAfterMaxRetries);
        Assert.Equal(BuquetTaskStatus.Failed, (await _f.GetAsync(running.Id)).Status);
    }

    [Fact]
    public async Task RunCycleAsync_LeaseNotExpired_TaskUntouched()
    {
        var running = await _f.RunningAsync();
        _f.Advance(TimeSpan.FromSeconds(running.Task.TimeoutSeconds - 5));

        var report = await NewRecovery().RunCycleAsync();

        Assert.Equal(0, report.Recovered);
        var stored = await _f.Repo.GetAsync(running.Task.Id);
        Assert.Equal(running.ETag, stored!.ETag);
    }

    [Fact]
    public async Task RunCycleAsync_LeaseKeysInFutureBuckets_NotRead()
    {
        for (var i = 0; i < 5; i++)
        {
            await _f.RunningAsync();
        }

        _f.Advance(TimeSpan.FromSeconds(90)); // leases expire in 300 s: their buckets are still ahead
        _f.Store.Reset();

        var report = await NewRecovery().RunCycleAsync();

        Assert.Equal(0, report.KeysExamined);
        Assert.Equal(0, _f.Store.Snapshot()[StoreOperation.Get]);
    }

    [Fact]
    public async Task RunCycleAsync_OrphanLeaseKey_Deleted()
    {
        var orphan = TaskKeys.Lease("3", _f.Now.AddMinutes(-5), Guid.Parse("3a000000-0000-4000-8000-000000000000"));
        await _f.Inner.PutAsync(orphan, ReadOnlyMemory<byte>.Empty, PutCondition.None);
        _f.Advance(TaskRepository.YoungIndexKey);

        var report = await NewRecovery().RunCycleAsync();

        Assert.Equal(1, report.OrphansDeleted);
        Assert.False(await _f.ExistsAsync(orphan));
    }

    [Fact]
    public async Task RunCycleAsync_LeaseKeyOfFinishedTask_Deleted()
    {
        var running = await _f.RunningAsync();
        var done = await _f.Repo.CompleteAsync(running, null);
        var stale = TaskKeys.Lease(running.Task.Shard, running.Task.LeaseExpiresAt!.Value, running.Task.Id);
        await _f.Inner.PutAsync(stale, ReadOnlyMemory<byte>.Empty, PutCondition.None); // as if the completion's index delete was lost
        _f.Advance(TimeSpan.FromMinutes(10));

        var report = await NewRecovery().RunCycleAsync();

        Assert.Equal(CasStatus.Written, done.Status);
        Assert.Equal(1, report.StaleKeysDeleted);
        Assert.False(await _f.ExistsAsync(stale));
        Assert.Equal(BuquetTaskStatus.Completed, (await _f.GetAsync(running.Task.Id)).Status);
    }

    [Fact]
    public async Task RunCycleAsync_KeyLeftBehindByLeaseExtension_DeletedAndTaskKeepsRunning()
    {
        var running = await _f.RunningAsync();
        var oldKey = TaskKeys.Lease(running.Task.Shard, running.Task.LeaseExpiresAt!.Value, running.Task.Id);
        var extended = await _f.Repo.ExtendLeaseAsync(running, TimeSpan.FromMinutes(30));
        await _f.Inner.PutAsync(oldKey, ReadOnlyMemory<byte>.Empty, PutCondition.None); // the extension's index DELETE was lost
        _f.Advance(TimeSpan.FromSeconds(running.Task.TimeoutSeconds + 1));

        var report = await NewRecovery().RunCycleAsync();

        Assert.Equal(0, report.Recovered);
        Assert.Equal(1, report.StaleKeysDeleted);
        Assert.False(await _f.ExistsAsync(oldKey));
        var task = extended.Snapshot!.Task;
        Assert.True(await _f.ExistsAsync(TaskKeys.Lease(task.Shard, task.LeaseExpiresAt!.Value, task.Id)));
        Assert.Equal(BuquetTaskStatus.Running, (await _f.GetAsync(task.Id)).Status);
    }

    [Fact]
    public async Task RunCycleAsync_MalformedTask_CountedAndOthersStillRecovered()
    {
        var good = (await _f.RunningAsync(shard: "5")).Task;
        var badId = Guid.Parse("50000000-0000-4000-8000-000000000000");
        await _f.Inner.PutAsync(TaskKeys.Task("5", badId), "{not json"u8.ToArray(), PutCondition.None);
        await _f.Inner.PutAsync(TaskKeys.Lease("5", _f.Now, badId), ReadOnlyMemory<byte>.Empty, PutCondition.None);
        _f.Advance(TimeSpan.FromSeconds(good.TimeoutSeconds + 1));

        var report = await NewRecovery().RunCycleAsync();

        Assert.Equal(1, report.Malformed);
        Assert.Equal(1, report.Recovered);
        Assert.Equal(BuquetTaskStatus.Pending, (await _f.GetAsync(good.Id)).Status);
    }

    [Fact]
    public async Task RunCycleAsync_MoreKeysThanBudget_CursorContinuesAndWraps()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _f.RunningAsync(shard: "7", edit: t => t with { MaxRetries = 0 })).Task.Id);
        }

        _f.Advance(TimeSpan.FromSeconds(301));
        var recovery = NewRecovery(maxKeys: 2, shardsPerCycle: 1);

        var first = await recovery.RunCycleAsync();
        Assert.Equal(2, first.FailedAfterMaxRetries);
        Assert.StartsWith("leases/7/", recovery.Cursor, StringComparison.Ordinal);
        var second = await recovery.RunCycleAsync();
        Assert.Equal(2, second.FailedAfterMaxRetries);
        var third = await recovery.RunCycleAsync();
        Assert.Equal(1, third.FailedAfterMaxRetries);
        Assert.Null(recovery.Cursor); // listing ended: wrapped to the start

        foreach (var id in ids)
        {
            Assert.Equal(BuquetTaskStatus.Failed, (await _f.GetAsync(id)).Status);
        }
    }

    [Fact]
    public async Task RunCycleAsync_PrefixLengthTwo_OneListingCoversAll256Shards()
    {
        var f = new MaintenanceFixture(shardPrefixLength: 2);
        var running = (await f.RunningAsync(shard: "e7")).Task;
        f.Advance(TimeSpan.FromSeconds(running.TimeoutSeconds + 1));
        f.Store.Reset();

        var report = await NewRecovery(f: f).RunCycleAsync();

        Assert.Equal(256, report.ShardsScanned);
        Assert.Equal(1, report.Recovered);
        Assert.Equal(1, f.Store.Snapshot()[StoreOperation.List]);
        Assert.Equal(BuquetTaskStatus.Pending, (await f.GetAsync(running.Id)).Status);
    }

    [Fact]
    public async Task RunCycleAsync_TwoMonitorsInParallel_EachTaskRecoveredOnce()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 24; i++)
        {
            ids.Add((await _f.RunningAsync()).Task.Id);
        }

        _f.Advance(TimeSpan.FromSeconds(301));
        // Different jitter, so the two monitors' recoveries differ byte-wise (identical bodies would make a lost CAS
        // indistinguishable from a landed one, which the repository then rightly reports as written).
        var a = new LeaseRecovery(_f.Repo, () => 0.1);
        var b = new LeaseRecovery(_f.Repo, () => 0.9);

        var reports = await Task.WhenAll(Task.Run(() => a.RunCycleAsync()), Task.Run(() => b.RunCycleAsync()));

        Assert.Equal(24, reports.Sum(r => r.Recovered));
        foreach (var id in ids)
        {
            var task = await _f.GetAsync(id);
            Assert.Equal(BuquetTaskStatus.Pending, task.Status);
            Assert.Equal(1, task.RetryCount);
        }
    }

    [Fact]
    public async Task RunCycleAsync_EmptyIndex_OneListAndNoClockRequest()
    {
        var recovery = NewRecovery();
        await recovery.RunCycleAsync(); // the process's first clock reading
        _f.Store.Reset();

        _f.Advance(TimeSpan.FromMinutes(2));
        await recovery.RunCycleAsync();
        _f.Advance(TimeSpan.FromMinutes(2));
        await recovery.RunCycleAsync();

        var counts = _f.Store.Snapshot();
        Assert.Equal(2, counts[StoreOperation.List]);
        Assert.Equal(2, counts.Total); // no GET, and no clock probe (PUT + HEAD)
    }

    [Fact]
    public async Task RunCycleAsync_FutureKeysInAShard_SkippedAndExpiredKeyOfLaterShardRecovered()
    {
        var notDue = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            notDue.Add((await _f.RunningAsync(shard: "2", edit: t => t with { TimeoutSeconds = 3600 })).Task.Id);
        }

        var due = (await _f.RunningAsync(shard: "9")).Task;
        _f.Advance(TimeSpan.FromSeconds(due.TimeoutSeconds + 1));
        _f.Store.Reset();

        var report = await NewRecovery().RunCycleAsync();

        Assert.Equal(1, report.Recovered);
        Assert.Equal(1, report.KeysExamined); // the shard-2 keys expire in the future: listed, never read
        Assert.Equal(BuquetTaskStatus.Pending, (await _f.GetAsync(due.Id)).Status);
        foreach (var id in notDue)
        {
            Assert.Equal(BuquetTaskStatus.Running, (await _f.GetAsync(id)).Status);
        }
    }

    [Fact]
    public async Task RunCycleAsync_PageEndsInsideFutureShard_NextListingStartsAfterThatShard()
    {
        for (var i = 0; i < 3; i++)
        {
            await _f.RunningAsync(shard: "2", edit: t => t with { TimeoutSeconds = 3600 });
        }

        var due = (await _f.RunningAsync(shard: "9")).Task;
        _f.Advance(TimeSpan.FromSeconds(due.TimeoutSeconds + 1));

        // Budget 2 keys per cycle: the first page (2 keys) ends inside shard 2, whose keys are all in the future.
        var recovery = NewRecovery(maxKeys: 2, shardsPerCycle: 1);
        var report = await recovery.RunCycleAsync();

        Assert.Equal(1, report.Recovered);
        Assert.Equal(BuquetTaskStatus.Pending, (await _f.GetAsync(due.Id)).Status);
    }
}
