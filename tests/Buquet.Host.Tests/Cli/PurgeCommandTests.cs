using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Host.Tests.Cli;

/// <summary><c>buquet purge</c> in process, on an in-memory store whose clock is a fake one.</summary>
public sealed class PurgeCommandTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private async Task<(InMemoryObjectStore Store, TaskRecord Old, TaskRecord Young)> SeedAsync()
    {
        var store = new InMemoryObjectStore(_time);
        var repo = new TaskRepository(store, new StoreClock(store, _time));
        async Task<TaskRecord> CompletedAsync()
        {
            var id = Guid.NewGuid();
            var created = await repo.CreateAsync(TaskTransitions.Submit(new SubmitSpec(id, repo.Shards.ShardOf(id), "echo", null), _time.GetUtcNow()));
            var claim = await repo.ClaimAsync(created!, "w1");
            return (await repo.CompleteAsync(claim.Snapshot!, null)).Snapshot!.Task;
        }

        var old = await CompletedAsync();
        _time.Advance(TimeSpan.FromDays(3));
        var young = await CompletedAsync();
        _time.Advance(TimeSpan.FromHours(1));
        return (store, old, young);
    }

    [Fact]
    public async Task Purge_OlderThanTwoDays_OldRemovedYoungKept()
    {
        var (store, old, young) = await SeedAsync();

        var run = await InProcessCli.RunAsync(["purge", "--older-than", "2d", "--json"], (_, _) => Task.FromResult<IObjectStore>(store));

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal(1, doc.RootElement.GetProperty("removed").GetInt32());
        Assert.Null(await store.HeadAsync(old.Key));
        Assert.NotNull(await store.HeadAsync(young.Key));
    }

    [Fact]
    public async Task Purge_ConfiguredAgesNotReached_NothingRemoved()
    {
        var (store, old, _) = await SeedAsync();

        var run = await InProcessCli.RunAsync(["purge"], (_, _) => Task.FromResult<IObjectStore>(store));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Purged 0 finished task(s)", run.Stdout);
        Assert.NotNull(await store.HeadAsync(old.Key));
    }

    [Fact]
    public async Task Purge_OnlyKeptStatusSelected_ExitsOne()
    {
        var run = await InProcessCli.RunAsync(["purge", "--status", "archived"], (_, _) => Task.FromResult<IObjectStore>(new InMemoryObjectStore(_time)));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Nothing to purge", run.Stderr);
    }

    [Fact]
    public async Task Purge_UnknownStatus_ExitsOneNamingIt()
    {
        var run = await InProcessCli.RunAsync(["purge", "--status", "done"], (_, _) => Task.FromResult<IObjectStore>(new InMemoryObjectStore(_time)));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'done'", run.Stderr);
    }
}
