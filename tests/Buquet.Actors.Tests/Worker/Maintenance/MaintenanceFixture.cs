using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Worker.Maintenance;

/// <summary>An in-memory bucket on a fake clock, with helpers to write tasks with or without their index keys.</summary>
internal sealed class MaintenanceFixture
{
    public MaintenanceFixture(int shardPrefixLength = 1)
    {
        Inner = new InMemoryObjectStore(Time);
        Store = new RequestCountingObjectStore(Inner);
        Clock = new StoreClock(Store, Time, TimeSpan.FromHours(1));
        Repo = new TaskRepository(Store, Clock, shardPrefixLength);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 28, 12, 0, 10, TimeSpan.Zero));

    public InMemoryObjectStore Inner { get; }

    public RequestCountingObjectStore Store { get; }

    public StoreClock Clock { get; }

    public TaskRepository Repo { get; }

    public static double NoJitter() => 0.5;

    public DateTimeOffset Now => Time.GetUtcNow();

    public TaskRecord NewPending(string? shard = null, Func<TaskRecord, TaskRecord>? edit = null)
    {
        Guid id;
        do
        {
            id = Guid.NewGuid();
        }
        while (shard is not null && !Repo.Shards.ShardOf(id).Equals(shard, StringComparison.Ordinal));

        var task = TaskTransitions.Submit(new SubmitSpec(id, Repo.Shards.ShardOf(id), "echo", null), Now);
        return edit is null ? task : edit(task);
    }

    /// <summary>Submit through the repository (task + ready key).</summary>
    public async Task<TaskSnapshot> SubmitAsync(string? shard = null, Func<TaskRecord, TaskRecord>? edit = null) =>
        (await Repo.CreateAsync(NewPending(shard, edit)))!;

    /// <summary>Submit and claim through the repository (task running + lease key).</summary>
    public async Task<TaskSnapshot> RunningAsync(string? shard = null, Func<TaskRecord, TaskRecord>? edit = null)
    {
        var created = await SubmitAsync(shard, edit);
        var claim = await Repo.ClaimAsync(created, "w1");
        Assert.True(claim.Claimed, claim.Message);
        return claim.Snapshot!;
    }

    /// <summary>A task JSON written without any index key: the crash window between the CAS and the index write.</summary>
    public async Task WriteWithoutIndexAsync(TaskRecord task) =>
        Assert.True((await Inner.PutAsync(task.Key, TaskJson.Serialize(task), PutCondition.None)).Succeeded);

    public async Task<bool> ExistsAsync(string key) => await Inner.HeadAsync(key) is not null;

    public async Task<TaskRecord> GetAsync(Guid id) => (await Repo.GetAsync(id))!.Task;

    public void Advance(TimeSpan by) => Time.Advance(by);
}
