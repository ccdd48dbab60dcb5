using System.Text;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;
using Buquet.Actors.Worker.Maintenance;

namespace Buquet.Actors.Tests.Worker.Maintenance;

public sealed class RetentionSweeperTests
{
    private static readonly RetentionPolicy Week = new(TimeSpan.FromDays(7), TimeSpan.FromDays(30), TimeSpan.FromDays(7), TimeSpan.FromDays(7), TimeSpan.Zero);

    private readonly MaintenanceFixture _f = new();

    private static IReadOnlySet<string> AllShards(TaskRepository repo) => repo.Shards.All.ToHashSet(StringComparer.Ordinal);

    private RetentionSweeper NewSweeper(RetentionPolicy? policy = null, Func<IReadOnlySet<string>>? owned = null, TaskRepository? repo = null, int maxObjects = 1000)
    {
        var r = repo ?? _f.Repo;
        return new RetentionSweeper(r, policy ?? Week, owned ?? (() => AllShards(r)), maxObjects);
    }

    private async Task<TaskRecord> CompletedAsync(string? shard = null)
    {
        var held = await _f.RunningAsync(shard);
        var done = await _f.Repo.CompleteAsync(held, null);
        Assert.True(done.Succeeded, done.Message);
        return done.Snapshot!.Task;
    }

    private async Task<TaskRecord> FailedAsync()
    {
        var held = await _f.RunningAsync();
        var failed = await _f.Repo.FailAsync(held, "boom");
        Assert.True(failed.Succeeded, failed.Message);
        return failed.Snapshot!.Task;
    }

    private async Task<List<string>> KeysOfAsync(Guid id)
    {
        var keys = new List<string>();
        foreach (var root in new[] { TaskKeys.TasksRoot, TaskKeys.ReadyRoot, TaskKeys.LeasesRoot, TaskKeys.PayloadsRoot })
        {
            var page = await _f.Inner.ListAsync(new ListRequest(root));
            keys.AddRange(page.Objects.Select(o => o.Key).Where(k => k.Contains(TaskKeys.Id(id), StringComparison.Ordinal)));
        }

        return keys;
    }

    [Fact]
    public async Task StepAsync_CompletedTaskOlderThanItsAge_RemovedWithIndexKeysAndPayloads()
    {
        var task = await CompletedAsync();
        // A ready key left behind by a lost DELETE, and an offloaded payload: both belong to the task.
        await _f.Inner.PutAsync(TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id), ReadOnlyMemory<byte>.Empty, PutCondition.None);
        var payload = TaskKeys.PayloadOutput(task.Id);
        await _f.Inner.PutAsync(payload, Encoding.UTF8.GetBytes("{}"), PutCondition.None);
        var withRef = task with { OutputRef = payload };
        await _f.Inner.PutAsync(task.Key, TaskJson.Serialize(withRef), PutCondition.None);
        _f.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        var report = await NewSweeper().StepAsync();

        Assert.Equal(1, report.Removed);
        Assert.True(report.PassCompleted);
        Assert.Empty(await KeysOfAsync(task.Id));
    }

    [Fact]
    public async Task StepAsync_FinishedTasksYoungerThanTheirAges_Kept()
    {
        var completed = await CompletedAsync();
        var failed = await FailedAsync();
        _f.Advance(TimeSpan.FromDays(8)); // completed is due, failed (30 d) is not
        var young = await CompletedAsync();

        var report = await NewSweeper().StepAsync();

        Assert.Equal(1, report.Removed);
        Assert.False(await _f.ExistsAsync(completed.Key));
        Assert.True(await _f.ExistsAsync(failed.Key));
        Assert.True(await _f.ExistsAsync(young.Key));
    }

    [Fact]
    public async Task StepAsync_PendingAndRunningTasks_NeverRemoved()
    {
        var pending = (await _f.SubmitAsync()).Task;
        var running = (await _f.RunningAsync()).Task;
        _f.Advance(TimeSpan.FromDays(365));

        var report = await NewSweeper().StepAsync();

        Assert.Equal(0, report.Removed);
        Assert.Equal(2, report.Read);
        Assert.True(await _f.ExistsAsync(pending.Key));
        Assert.True(await _f.ExistsAsync(running.Key));
    }

    [Fact]
    public async Task StepAsync_TaskChangedBetweenReadAndDelete_NotRemoved()
    {
        var task = await CompletedAsync();
        _f.Advance(TimeSpan.FromDays(8));
        // Someone archives (or replays) the task right after the sweeper read it: its ETag changes.
        var store = new AfterGetStore(_f.Inner, task.Key, async () =>
        {
            var changed = task with { LastError = "changed meanwhile", UpdatedAt = _f.Now };
            await _f.Inner.PutAsync(task.Key, TaskJson.Serialize(changed), PutCondition.None);
        });
        var repo = new TaskRepository(store, _f.Clock);

        var report = await NewSweeper(repo: repo).StepAsync();

        Assert.Equal(0, report.Removed);
        Assert.Equal(1, report.Changed);
        Assert.Equal("changed meanwhile", (await _f.GetAsync(task.Id)).LastError);
    }

    [Fact]
    public async Task StepAsync_ShardNotHeld_NothingListedOrRemoved()
    {
        var task = await CompletedAsync(shard: "3");
        _f.Advance(TimeSpan.FromDays(8));
        var others = AllShards(_f.Repo).Where(s => s != "3").ToHashSet(StringComparer.Ordinal);

        var report = await NewSweeper(owned: () => others).StepAsync();

        Assert.Equal(0, report.Removed);
        Assert.Equal(0, report.Listed);
        Assert.True(await _f.ExistsAsync(task.Key));
    }

    [Fact]
    public async Task StepAsync_ShardLostDuringStep_ObjectsNotDeleted()
    {
        var task = await CompletedAsync(shard: "3");
        _f.Advance(TimeSpan.FromDays(8));
        var held = AllShards(_f.Repo);
        var calls = 0;
        // Held when the step starts and lists, lost before the object is examined.
        var report = await NewSweeper(owned: () => ++calls <= 2 ? held : new HashSet<string>()).StepAsync();

        Assert.Equal(0, report.Removed);
        Assert.True(await _f.ExistsAsync(task.Key));
    }

    [Fact]
    public async Task StepAsync_RetentionOff_RemovesNothing()
    {
        var task = await CompletedAsync();
        _f.Advance(TimeSpan.FromDays(365));

        var report = await NewSweeper(RetentionPolicy.Off).StepAsync();

        Assert.Equal(0, report.Listed);
        Assert.True(await _f.ExistsAsync(task.Key));
    }

    [Fact]
    public async Task StepAsync_NotYetDueTaskUnchanged_NotReadAgainNextPass()
    {
        await FailedAsync();
        _f.Advance(TimeSpan.FromDays(8)); // older than the smallest age (7 d), not yet due (30 d)
        var sweeper = NewSweeper();

        var first = await sweeper.StepAsync();
        var second = await sweeper.StepAsync();

        Assert.Equal(1, first.Read);
        Assert.Equal(1, second.Listed);
        Assert.Equal(0, second.Read);
    }

    [Fact]
    public async Task StepAsync_MoreTasksThanOneStep_ContinuesWhereItStopped()
    {
        var tasks = new List<TaskRecord>();
        for (var i = 0; i < 5; i++)
        {
            tasks.Add(await CompletedAsync(shard: "a"));
        }

        _f.Advance(TimeSpan.FromDays(8));
        var sweeper = NewSweeper(owned: () => new HashSet<string> { "a" }, maxObjects: 2);

        var reports = new List<RetentionReport>();
        do
        {
            reports.Add(await sweeper.StepAsync());
        }
        while (!reports[^1].PassCompleted);

        Assert.All(reports, r => Assert.True(r.Listed <= 2));
        Assert.Equal(5, reports.Sum(r => r.Removed));
        foreach (var t in tasks)
        {
            Assert.False(await _f.ExistsAsync(t.Key));
        }
    }

    [Fact]
    public async Task PassAsync_OldTasksInEveryShard_AllRemoved()
    {
        var tasks = new List<TaskRecord>();
        foreach (var shard in new[] { "0", "7", "f" })
        {
            tasks.Add(await CompletedAsync(shard));
        }

        _f.Advance(TimeSpan.FromDays(8));

        var report = await NewSweeper(maxObjects: 1).PassAsync();

        Assert.Equal(3, report.Removed);
        Assert.True(report.PassCompleted);
    }

    /// <summary>Runs <paramref name="afterGet"/> once, right after the first GET of <paramref name="key"/> returned.</summary>
    private sealed class AfterGetStore(IObjectStore inner, string key, Func<Task> afterGet) : DelegatingObjectStore(inner)
    {
        private int _fired;

        public override async Task<StoredObject?> GetAsync(string k, CancellationToken cancellationToken = default)
        {
            var obj = await Inner.GetAsync(k, cancellationToken);
            if (k == key && Interlocked.Exchange(ref _fired, 1) == 0)
            {
                await afterGet();
            }

            return obj;
        }
    }
}
