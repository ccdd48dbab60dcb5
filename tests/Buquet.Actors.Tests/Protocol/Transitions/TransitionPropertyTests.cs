using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Protocol.Transitions;

namespace Buquet.Actors.Tests.Protocol.Transitions;

/// <summary>Random sequences of every transition, seeded and replayable (the seed is in every failure message).</summary>
public sealed class TransitionPropertyTests
{
    private const int Workers = 3;

    [Fact]
    public void RandomSequences_InvariantsHold()
    {
        for (var seed = 1; seed <= 300; seed++)
        {
            Run(seed, steps: 60);
        }
    }

    private static void Run(int seed, int steps)
    {
        var rng = new Random(seed);
        var now = TaskBuilder.T0;
        var task = TaskTransitions.Submit(
            new SubmitSpec(new Guid(rng.NextBytes16()), "a", "t", null)
            {
                MaxRetries = rng.Next(0, 4),
                MaxReschedules = rng.Next(2) == 0 ? null : rng.Next(0, 3),
                TimeoutSeconds = rng.Next(1, 60),
                Ttl = rng.Next(3) == 0 ? TimeSpan.FromSeconds(rng.Next(0, 600)) : null,
            },
            now);
        var leases = new Guid?[Workers]; // the lease each worker believes it holds (may be stale)
        for (var step = 0; step < steps; step++)
        {
            now = now.AddMilliseconds(rng.Next(0, 40_000));
            var worker = rng.Next(Workers);
            var lease = leases[worker] ?? Guid.NewGuid();
            var action = rng.Next(14);
            var result = action switch
            {
                0 or 1 => TaskTransitions.Claim(task, now, new ClaimRequest($"w{worker}", Guid.NewGuid())),
                2 => TaskTransitions.Complete(task, now, new CompleteRequest(lease, null)),
                3 => TaskTransitions.Fail(task, now, new FailRequest(lease, "Permanent error: x")),
                4 => TaskTransitions.Retry(task, now, new RetryRequest(lease, "Retryable error: x", rng.NextDouble)),
                5 => TaskTransitions.Reschedule(task, now, new RescheduleRequest(lease, TimeSpan.FromSeconds(rng.Next(0, 30)))),
                6 => TaskTransitions.ExtendLease(task, now, new ExtendLeaseRequest(lease, TimeSpan.FromSeconds(rng.Next(1, 30)))),
                7 => TaskTransitions.RecoverTimeout(task, now, new TimeoutRecoveryRequest(rng.NextDouble)),
                8 => TaskTransitions.RequestCancel(task, now, new RequestCancelRequest()),
                9 => TaskTransitions.Cancel(task, now, new CancelRequest()),
                10 => TaskTransitions.Expire(task, now, new ExpireRequest(rng.Next(2) == 0)),
                11 => TaskTransitions.Replay(task, now, new ReplayRequest()),
                12 => TaskTransitions.Archive(task, now, new ArchiveRequest()),
                _ => TaskTransitions.CancelRunning(task, now, new CancelRunningRequest(lease, null, "Cancelled: x")),
            };
            var where = $"seed {seed} step {step} action {action} from {task.Status}";
            if (!result.Succeeded || !result.Changed)
            {
                continue;
            }

            var next = result.Task!;
            Assert.True(next.Attempt >= task.Attempt, $"attempt decreased at {where}");
            if (task.IsTerminal && next.Status != task.Status)
            {
                Assert.True(
                    (action == 11 && task.Status == BuquetTaskStatus.Failed && next.Status == BuquetTaskStatus.Pending)
                    || (action == 12 && next.Status == BuquetTaskStatus.Archived),
                    $"left terminal state {task.Status} for {next.Status} at {where}");
            }

            if (action is (>= 2 and <= 6) or 13)
            {
                Assert.True(task.Status == BuquetTaskStatus.Running && task.LeaseId == lease, $"a non-holder changed the task at {where}");
            }

            if (next.Status == BuquetTaskStatus.Running)
            {
                Assert.NotNull(next.LeaseId);
                Assert.NotNull(next.LeaseExpiresAt);
            }
            else
            {
                Assert.Null(next.LeaseId);
            }

            if (action is 0 or 1)
            {
                leases[worker] = next.LeaseId;
            }

            // Every state a transition produces survives the wire unchanged.
            var bytes = TaskJson.Serialize(next);
            Assert.Equal(bytes, TaskJson.Serialize(TaskJson.Parse(bytes, where)));
            task = next;
        }
    }
}

internal static class RandomExtensions
{
    public static byte[] NextBytes16(this Random rng)
    {
        var b = new byte[16];
        rng.NextBytes(b);
        b[7] = (byte)((b[7] & 0x0f) | 0x40);
        return b;
    }
}
