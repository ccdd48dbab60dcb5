using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Protocol;

public sealed class TaskRepositoryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _inner;
    private readonly RequestCountingObjectStore _store;
    private readonly TaskRepository _repo;

    public TaskRepositoryTests()
    {
        _inner = new InMemoryObjectStore(_time);
        _store = new RequestCountingObjectStore(_inner);
        _repo = new TaskRepository(_store, new StoreClock(_store, _time, TimeSpan.FromHours(1)));
    }

    private async Task<TaskSnapshot> CreateAsync(Func<TaskRecord, TaskRecord>? edit = null)
    {
        var id = Guid.NewGuid();
        var task = TaskTransitions.Submit(new SubmitSpec(id, _repo.Shards.ShardOf(id), "echo", null), _time.GetUtcNow());
        var snap = await _repo.CreateAsync(edit is null ? task : edit(task));
        Assert.NotNull(snap);
        await _repo.Clock.NowAsync(); // warm the clock so counts below are the operation's own
        _store.Reset();
        return snap;
    }

    private async Task<bool> ExistsAsync(string key) => await _inner.GetAsync(key) is not null;

    [Fact]
    public async Task CreateAsync_NewTask_WritesTaskAndReadyIndex_DifferentBodySameIdRefused()
    {
        var id = Guid.NewGuid();
        var task = TaskTransitions.Submit(new SubmitSpec(id, _repo.Shards.ShardOf(id), "echo", null), _time.GetUtcNow());
        await _repo.Clock.NowAsync();
        _store.Reset();
        Assert.NotNull(await _repo.CreateAsync(task));
        var counts = _store.SnapshotAndReset();
        Assert.Equal(2, counts[StoreOperation.Put, StoreOutcome.Ok]);
        Assert.Equal(2, counts.Total);
        Assert.True(await ExistsAsync(TaskKeys.Ready(task.Shard, task.AvailableAt, id)));
        Assert.Null(await _repo.CreateAsync(task with { TaskType = "other" }));
        Assert.NotNull(await _repo.CreateAsync(task)); // byte-identical body: our own earlier write (a retried create)
    }

    [Fact]
    public async Task ClaimAsync_ById_IsOneGetOneConditionalPutAndIndexUpkeep()
    {
        var snap = await CreateAsync();
        var outcome = await _repo.ClaimAsync(snap.Task.Id, "w1");
        Assert.True(outcome.Claimed);
        var counts = _store.Snapshot();
        Assert.Equal(1, counts[StoreOperation.Get]);
        Assert.Equal(2, counts[StoreOperation.Put]); // task CAS + lease index
        Assert.Equal(1, counts[StoreOperation.Delete]); // ready index
        Assert.Equal(4, counts.Total);
        var t = outcome.Snapshot!.Task;
        Assert.True(await ExistsAsync(TaskKeys.Lease(t.Shard, t.LeaseExpiresAt!.Value, t.Id)));
        Assert.False(await ExistsAsync(TaskKeys.Ready(t.Shard, t.AvailableAt, t.Id)));
    }

    [Fact]
    public async Task CompleteAsync_HeldEtagCurrent_NoGet()
    {
        var claimed = (await _repo.ClaimAsync((await CreateAsync()).Task.Id, "w1")).Snapshot!;
        _store.Reset();
        using var doc = JsonDocument.Parse("42");
        var outcome = await _repo.CompleteAsync(claimed, doc.RootElement);
        Assert.Equal(CasStatus.Written, outcome.Status);
        var counts = _store.Snapshot();
        Assert.Equal(0, counts[StoreOperation.Get]);
        Assert.Equal(1, counts[StoreOperation.Put]);
        Assert.Equal(1, counts[StoreOperation.Delete]); // lease index
        Assert.Equal(BuquetTaskStatus.Completed, (await _repo.GetAsync(claimed.Task.Id))!.Task.Status);
    }

    [Fact]
    public async Task CompleteAsync_EtagMovedByCancelRequest_RereadsAndCompletes()
    {
        var claimed = (await _repo.ClaimAsync((await CreateAsync()).Task.Id, "w1")).Snapshot!;
        Assert.Equal(CasStatus.Written, (await _repo.ApplyAsync(claimed.Task.Id, (t, now) => TaskTransitions.RequestCancel(t, now, new RequestCancelRequest()))).Status);
        _store.Reset();
        var outcome = await _repo.CompleteAsync(claimed, null);
        Assert.Equal(CasStatus.Written, outcome.Status);
        Assert.Equal(1, _store.Snapshot()[StoreOperation.Get]);
        Assert.Equal(2, _store.Snapshot()[StoreOperation.Put]);
    }

    [Fact]
    public async Task CompleteAsync_StaleLeaseHolder_RefusedAndTaskUntouched()
    {
        var first = (await _repo.ClaimAsync((await CreateAsync(t => t with { TimeoutSeconds = 10 })).Task.Id, "w1")).Snapshot!;
        _time.Advance(TimeSpan.FromSeconds(11));
        var clock = new StoreClock(_store, _time);
        var repo = new TaskRepository(_store, clock);
        var observed = (await repo.GetAsync(first.Task.Id))!;
        Assert.Equal(CasStatus.Written, (await repo.RecoverTimeoutAsync(observed, () => 0.5)).Status);
        _time.Advance(TimeSpan.FromSeconds(5));
        var second = await repo.ClaimAsync(first.Task.Id, "w2");
        Assert.True(second.Claimed);

        var stale = await repo.CompleteAsync(first, null);
        Assert.Equal(CasStatus.Refused, stale.Status);
        Assert.Equal(Refusal.LeaseMismatch, stale.Refusal);
        Assert.Equal(CasStatus.Refused, (await repo.FailAsync(first, "x")).Status);
        Assert.Equal(CasStatus.Refused, (await repo.RetryAsync(first, "x", () => 0.5)).Status);
        var now = (await repo.GetAsync(first.Task.Id))!.Task;
        Assert.Equal(second.Snapshot!.Task.LeaseId, now.LeaseId);
        Assert.Equal(BuquetTaskStatus.Running, now.Status);
    }

    [Fact]
    public async Task ClaimAsync_WriterDiesRightAfterTheCas_LeaseKeyAlreadyWritten()
    {
        var snap = await CreateAsync();
        var dying = new DiesAfterCasStore(_inner);
        var repo = new TaskRepository(dying, _repo.Clock);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repo.ClaimAsync(snap.Task.Id, "w1"));
        var running = (await _repo.GetAsync(snap.Task.Id))!.Task;
        Assert.Equal(BuquetTaskStatus.Running, running.Status);
        Assert.True(await ExistsAsync(TaskKeys.Lease(running.Shard, running.LeaseExpiresAt!.Value, running.Id)), "the lease recovery must see a claim whose writer died after the CAS");
    }

    [Fact]
    public async Task ApplyAsync_RetryWriterDiesRightAfterTheCas_ReadyKeyAlreadyWritten()
    {
        var snap = await CreateAsync();
        var claimed = (await _repo.ClaimAsync(snap.Task.Id, "w1")).Snapshot!;
        var repo = new TaskRepository(new DiesAfterCasStore(_inner), _repo.Clock);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repo.ApplyAsync(claimed, (t, now) =>
            TaskTransitions.Retry(t, now, new RetryRequest(claimed.Task.LeaseId!.Value, "boom", () => 0.5))));
        var pending = (await _repo.GetAsync(snap.Task.Id))!.Task;
        Assert.Equal(BuquetTaskStatus.Pending, pending.Status);
        Assert.True(await ExistsAsync(TaskKeys.Ready(pending.Shard, pending.AvailableAt, pending.Id)), "pollers must see a retry whose writer died after the CAS");
    }

    [Fact]
    public async Task ApplyAsync_RetryWhoseOldLeaseKeyTheNextClaimReuses_KeyStaysForTheNewClaim()
    {
        // The retried task is claimed again before the old holder's DELETE of its lease key lands, and the new lease
        // ends in the same minute: the very same key. The old holder must not leave the new claim without it.
        var snap = await CreateAsync();
        var first = (await _repo.ClaimAsync(snap.Task.Id, "w1")).Snapshot!;
        var key = TaskKeys.Lease(first.Task.Shard, first.Task.LeaseExpiresAt!.Value, first.Task.Id);
        var flaky = new Buquet.Actors.Tests.Scheduling.FlakyObjectStore(_inner);
        TaskSnapshot? second = null;
        flaky.BeforeDelete = async deleted =>
        {
            if (deleted == key && second is null)
            {
                _time.Advance(TimeSpan.FromSeconds(5)); // past the retry's backoff, same minute
                second = (await _repo.ClaimAsync(snap.Task.Id, "w2")).Snapshot;
            }
        };
        var retried = await new TaskRepository(flaky, _repo.Clock).ApplyAsync(first, (t, now) =>
            TaskTransitions.Retry(t, now, new RetryRequest(first.Task.LeaseId!.Value, "boom", () => 0.0)));
        Assert.Equal(CasStatus.Written, retried.Status);
        Assert.NotNull(second);
        Assert.Equal(key, TaskKeys.Lease(second!.Task.Shard, second.Task.LeaseExpiresAt!.Value, second.Task.Id));
        Assert.True(await ExistsAsync(key), "the new claim's lease key must survive the old holder's clean-up");
    }

    [Fact]
    public async Task ClaimAsync_ReclaimWhoseKeyThePreviousCleanUpDeletesBeforeTheCas_KeyWrittenAgain()
    {
        // The previous execution's clean-up deletes the old lease key (the same key: same minute, same id) after our
        // pre-write and before our CAS, and its re-read still saw the task pending. Our claim must still end with the key.
        var snap = await CreateAsync();
        var first = (await _repo.ClaimAsync(snap.Task.Id, "w1")).Snapshot!;
        Assert.Equal(CasStatus.Written, (await _repo.ApplyAsync(first, (t, now) =>
            TaskTransitions.Retry(t, now, new RetryRequest(first.Task.LeaseId!.Value, "boom", () => 0.0)))).Status);
        _time.Advance(TimeSpan.FromSeconds(5));
        var flaky = new Buquet.Actors.Tests.Scheduling.FlakyObjectStore(_inner);
        flaky.BeforeConditionalPut = async key =>
        {
            foreach (var lease in (await _inner.ListAsync(new ListRequest(TaskKeys.LeasesRoot))).Objects)
            {
                await _inner.DeleteAsync(lease.Key);
            }
        };
        var second = (await new TaskRepository(flaky, _repo.Clock).ClaimAsync(snap.Task.Id, "w2")).Snapshot!;
        Assert.Equal(2, second.Task.Attempt);
        Assert.True(await ExistsAsync(TaskKeys.Lease(second.Task.Shard, second.Task.LeaseExpiresAt!.Value, second.Task.Id)), "a re-claim must end with its lease key");
    }

    [Fact]
    public async Task ClaimAsync_LeaseKeyCannotBeWritten_NotClaimed()
    {
        var snap = await CreateAsync();
        var flaky = new Buquet.Actors.Tests.Scheduling.FlakyObjectStore(_inner) { FailPutsUnder = TaskKeys.LeasesRoot };
        var repo = new TaskRepository(flaky, _repo.Clock);
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => repo.ClaimAsync(snap.Task.Id, "w1"));
        Assert.Equal(BuquetTaskStatus.Pending, (await _repo.GetAsync(snap.Task.Id))!.Task.Status);
    }

    [Fact]
    public async Task ApplyAsync_ExtensionWhoseNewLeaseKeyFails_KeepsTheOldKey()
    {
        var snap = await CreateAsync();
        var claimed = (await _repo.ClaimAsync(snap.Task.Id, "w1")).Snapshot!;
        var oldKey = TaskKeys.Lease(claimed.Task.Shard, claimed.Task.LeaseExpiresAt!.Value, claimed.Task.Id);
        var flaky = new Buquet.Actors.Tests.Scheduling.FlakyObjectStore(_inner) { FailPutsUnder = TaskKeys.LeasesRoot };
        var outcome = await new TaskRepository(flaky, _repo.Clock).ApplyAsync(claimed, (t, now) =>
            TaskTransitions.ExtendLease(t, now, new ExtendLeaseRequest(claimed.Task.LeaseId!.Value, TimeSpan.FromMinutes(10))));
        Assert.Equal(CasStatus.Written, outcome.Status);
        Assert.True(await ExistsAsync(oldKey), "without its new key, an extended task keeps the old one (the recovery repairs it)");
    }

    [Fact]
    public async Task ClaimAsync_LostRace_LeavesOnlyTheWinnersLeaseKey()
    {
        var snap = await CreateAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => _repo.ClaimAsync(snap.Task.Id, $"w{i}")));
        Assert.Single(outcomes, o => o.Claimed);
        var task = (await _repo.GetAsync(snap.Task.Id))!.Task;
        var keys = (await _inner.ListAsync(new ListRequest(TaskKeys.LeasesRoot))).Objects.Select(i => i.Key).ToList();
        Assert.Contains(TaskKeys.Lease(task.Shard, task.LeaseExpiresAt!.Value, task.Id), keys);
    }

    [Fact]
    public async Task ClaimAsync_TenConcurrentClaimers_ExactlyOneClaims()
    {
        var snap = await CreateAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => _repo.ClaimAsync(snap.Task.Id, $"w{i}"))));
        Assert.Single(outcomes, o => o.Claimed);
        Assert.All(outcomes.Where(o => !o.Claimed), o => Assert.Contains(o.Status, new[] { ClaimStatus.AlreadyClaimed, ClaimStatus.NotAvailable }));
        Assert.Equal(1, (await _repo.GetAsync(snap.Task.Id))!.Task.Attempt);
    }

    [Fact]
    public async Task ClaimAsync_CandidateCancelledSinceRead_NotAvailableNotAlreadyClaimed()
    {
        var snap = await CreateAsync();
        Assert.Equal(CasStatus.Written, (await _repo.ApplyAsync(snap, (t, now) => TaskTransitions.Cancel(t, now, new CancelRequest(null, null)))).Status);

        var outcome = await _repo.ClaimAsync(snap, "w1");

        Assert.Equal(ClaimStatus.NotAvailable, outcome.Status);
        Assert.Contains("Cancelled", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(BuquetTaskStatus.Cancelled, (await _repo.GetAsync(snap.Task.Id))!.Task.Status);
    }

    [Fact]
    public async Task ClaimAsync_CandidateClaimedByAnotherSinceRead_AlreadyClaimed()
    {
        var snap = await CreateAsync();
        Assert.True((await _repo.ClaimAsync(snap, "w-first")).Claimed);

        var outcome = await _repo.ClaimAsync(snap, "w-second");

        Assert.Equal(ClaimStatus.AlreadyClaimed, outcome.Status);
        Assert.Equal("w-first", (await _repo.GetAsync(snap.Task.Id))!.Task.WorkerId);
    }

    [Fact]
    public async Task ClaimAsync_ExpiredTask_MarksExpiredAndDeletesReadyIndex()
    {
        var snap = await CreateAsync(t => t with { ExpiresAt = t.CreatedAt.AddSeconds(1) });
        _time.Advance(TimeSpan.FromSeconds(1));
        var outcome = await _repo.ClaimAsync(snap.Task.Id, "w1");
        Assert.Equal(ClaimStatus.Expired, outcome.Status);
        var task = (await _repo.GetAsync(snap.Task.Id))!.Task;
        Assert.Equal(BuquetTaskStatus.Expired, task.Status);
        Assert.False(await ExistsAsync(TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id)));
    }

    [Fact]
    public async Task ClaimAsync_NotYetAvailable_NoWrite()
    {
        var snap = await CreateAsync(t => t with { AvailableAt = t.CreatedAt.AddMinutes(5) });
        var outcome = await _repo.ClaimAsync(snap.Task.Id, "w1");
        Assert.Equal(ClaimStatus.NotAvailable, outcome.Status);
        Assert.Equal(0, _store.Snapshot()[StoreOperation.Put]);
        Assert.Equal(ClaimStatus.NotFound, (await _repo.ClaimAsync(Guid.NewGuid(), "w1")).Status);
    }

    [Fact]
    public async Task RetryAsync_MovesLeaseIndexToReadyIndexInNewBucket()
    {
        var claimed = (await _repo.ClaimAsync((await CreateAsync()).Task.Id, "w1")).Snapshot!;
        var retried = await _repo.RetryAsync(claimed, "Retryable error: x", () => 0.5);
        var t = retried.Snapshot!.Task;
        Assert.Equal(BuquetTaskStatus.Pending, t.Status);
        Assert.True(await ExistsAsync(TaskKeys.Ready(t.Shard, t.AvailableAt, t.Id)));
        Assert.False(await ExistsAsync(TaskKeys.Lease(t.Shard, claimed.Task.LeaseExpiresAt!.Value, t.Id)));
    }

    [Fact]
    public async Task ExtendLeaseAsync_MovesLeaseIndexAndReturnsNewEtag()
    {
        var claimed = (await _repo.ClaimAsync((await CreateAsync()).Task.Id, "w1")).Snapshot!;
        var extended = (await _repo.ExtendLeaseAsync(claimed, TimeSpan.FromMinutes(30))).Snapshot!;
        Assert.NotEqual(claimed.ETag, extended.ETag);
        Assert.True(await ExistsAsync(TaskKeys.Lease(extended.Task.Shard, extended.Task.LeaseExpiresAt!.Value, extended.Task.Id)));
        Assert.False(await ExistsAsync(TaskKeys.Lease(claimed.Task.Shard, claimed.Task.LeaseExpiresAt!.Value, claimed.Task.Id)));
        Assert.Equal(CasStatus.Written, (await _repo.CompleteAsync(extended, null)).Status);
    }

    [Fact]
    public async Task ApplyAsync_WriteLandedButReportedAmbiguous_CountsAsWritten()
    {
        var snap = await CreateAsync();
        var flaky = new LandThenThrowStore(_inner);
        var repo = new TaskRepository(flaky, new StoreClock(flaky, _time));
        var outcome = await repo.ClaimAsync(snap, "w1");
        Assert.True(outcome.Claimed);
        Assert.Equal(outcome.Snapshot!.Task.LeaseId, (await repo.GetAsync(snap.Task.Id))!.Task.LeaseId);
    }

    [Fact]
    public async Task CompleteAsync_WriteLandedButReported412_CountsAsWritten()
    {
        var claimed = (await _repo.ClaimAsync((await CreateAsync()).Task.Id, "w1")).Snapshot!;
        var spurious = new LandThenThrowStore(_inner, reportPreconditionFailed: true);
        var repo = new TaskRepository(spurious, new StoreClock(spurious, _time));
        var outcome = await repo.CompleteAsync(claimed, null);
        Assert.Equal(CasStatus.Written, outcome.Status);
        Assert.Equal(BuquetTaskStatus.Completed, outcome.Snapshot!.Task.Status);
        Assert.False(await ExistsAsync(TaskKeys.Lease(claimed.Task.Shard, claimed.Task.LeaseExpiresAt!.Value, claimed.Task.Id)));
    }

    [Fact]
    public async Task GetAsync_MalformedObject_ThrowsNamingKey()
    {
        var id = Guid.NewGuid();
        await _inner.PutAsync(_repo.KeyOf(id), "{\"id\":1}"u8.ToArray(), PutCondition.None);
        var ex = await Assert.ThrowsAsync<MalformedObjectException>(() => _repo.GetAsync(id));
        Assert.Equal(_repo.KeyOf(id), ex.Key);
        Assert.Equal(1, _repo.MalformedObjects);
    }

    [Fact]
    public async Task ClaimAndApply_MalformedObject_ReportedAsValuesAndCounted()
    {
        var id = Guid.NewGuid();
        await _inner.PutAsync(_repo.KeyOf(id), "not json"u8.ToArray(), PutCondition.None);
        var claim = await _repo.ClaimAsync(id, "w1");
        Assert.Equal(ClaimStatus.Malformed, claim.Status);
        Assert.Contains(_repo.KeyOf(id), claim.Message, StringComparison.Ordinal);
        var cancel = await _repo.ApplyAsync(id, (t, now) => TaskTransitions.Cancel(t, now, new CancelRequest()));
        Assert.Equal(CasStatus.Malformed, cancel.Status);
        Assert.Equal(2, _repo.MalformedObjects);
    }

    /// <summary>Lets the first conditional task PUT land, then reports a transport failure.</summary>
    private sealed class LandThenThrowStore(IObjectStore inner, bool reportPreconditionFailed = false) : DelegatingObjectStore(inner)
    {
        private int _thrown;

        public override async Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default)
        {
            var result = await Inner.PutAsync(key, body, condition, cancellationToken);
            if (condition is PutCondition.IfMatchCondition && Interlocked.Exchange(ref _thrown, 1) == 0)
            {
                if (reportPreconditionFailed)
                {
                    return PutResult.PreconditionFailed;
                }

                throw new ObjectStoreUnavailableException("timeout after the write landed");
            }

            return result;
        }
    }

    /// <summary>The process "dies" right after its conditional task write lands: every later call is cancelled.</summary>
    private sealed class DiesAfterCasStore(IObjectStore inner) : DelegatingObjectStore(inner)
    {
        private volatile bool _dead;

        public override async Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default)
        {
            Alive();
            var result = await Inner.PutAsync(key, body, condition, cancellationToken);
            _dead |= condition is PutCondition.IfMatchCondition && result.Succeeded;
            return result;
        }

        public override Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) => Alive(() => base.GetAsync(key, cancellationToken));

        public override Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) => Alive(() => base.GetVersionAsync(key, versionId, cancellationToken));

        public override Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) => Alive(() => base.HeadAsync(key, cancellationToken));

        public override Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) => Alive(() => base.DeleteAsync(key, ifMatchETag, cancellationToken));

        public override Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) => Alive(() => base.ListAsync(request, cancellationToken));

        public override Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) => Alive(() => base.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken));

        public override Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) => Alive(() => base.GetServerTimeAsync(cancellationToken));

        private void Alive()
        {
            if (_dead)
            {
                throw new OperationCanceledException("the process was killed");
            }
        }

        private Task<T> Alive<T>(Func<Task<T>> call)
        {
            Alive();
            return call();
        }
    }
}
