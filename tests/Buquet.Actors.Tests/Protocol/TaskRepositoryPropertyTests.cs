using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Protocol;

/// <summary>Seeded random interleavings of workers holding possibly stale snapshots against the real CAS layer.</summary>
public sealed class TaskRepositoryPropertyTests
{
    [Fact]
    public async Task RandomInterleavings_StaleHolderNeverChangesAnotherWorkersTask()
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            await RunAsync(seed, steps: 40);
        }
    }

    private static async Task RunAsync(int seed, int steps)
    {
        var rng = new Random(seed);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
        var store = new InMemoryObjectStore(time);
        var repo = new TaskRepository(store, new StoreClock(store, time, TimeSpan.Zero));
        var id = Guid.NewGuid();
        var created = await repo.CreateAsync(Buquet.Actors.Protocol.Transitions.TaskTransitions.Submit(
            new Buquet.Actors.Protocol.Transitions.SubmitSpec(id, repo.Shards.ShardOf(id), "t", null) { TimeoutSeconds = 20, MaxRetries = 2 }, time.GetUtcNow()));
        Assert.NotNull(created);
        var held = new TaskSnapshot?[3];
        for (var step = 0; step < steps; step++)
        {
            time.Advance(TimeSpan.FromSeconds(rng.Next(0, 15)));
            var w = rng.Next(held.Length);
            var before = (await repo.GetAsync(id))!.Task;
            var where = $"seed {seed} step {step} worker {w}";
            var action = rng.Next(6);
            if (action <= 1 || held[w] is null)
            {
                var claim = await repo.ClaimAsync(id, $"w{w}");
                if (claim.Claimed)
                {
                    held[w] = claim.Snapshot;
                }

                continue;
            }

            var mine = held[w]!;
            var outcome = action switch
            {
                2 => await repo.CompleteAsync(mine, null),
                3 => await repo.FailAsync(mine, "x"),
                4 => await repo.RetryAsync(mine, "x", rng.NextDouble),
                _ => await repo.RecoverTimeoutAsync((await repo.GetAsync(id))!, rng.NextDouble),
            };
            var after = (await repo.GetAsync(id))!.Task;
            Assert.True(after.Attempt >= before.Attempt, $"attempt decreased at {where}");
            if (action is >= 2 and <= 4 && outcome.Status == CasStatus.Written)
            {
                Assert.True(before.Status == BuquetTaskStatus.Running && before.LeaseId == mine.Task.LeaseId, $"stale holder wrote at {where}");
            }

            if (action is >= 2 and <= 4 && before.LeaseId != mine.Task.LeaseId)
            {
                Assert.Equal(before, after with { Input = before.Input, Output = before.Output });
            }

            if (before.IsTerminal)
            {
                Assert.Equal(before.Status, after.Status);
            }
        }
    }
}
