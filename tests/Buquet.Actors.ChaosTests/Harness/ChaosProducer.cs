using System.Diagnostics;
using Buquet.Actors.ChaosTests.History;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>
/// Submits a run's plan: a seeded mix of built-in task types spread over <see cref="ChaosSettings.SubmitOver"/>, each
/// submit under its own idempotency key and retried until it lands, so a submit whose response was lost never makes
/// a second task and every planned task has a known id.
/// </summary>
public static class ChaosProducer
{
    /// <summary>Submits <see cref="ChaosSettings.Tasks"/> tasks; returns the plan in submission order.</summary>
    public static async Task<List<PlannedTask>> SubmitPlanAsync(BuquetClient producer, ChaosSettings settings, Random random, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(random);
        var n = settings.Tasks;
        var mix = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        var sleeps = Enumerable.Range(0, n).Select(_ => random.Next(0, 300)).ToArray();
        var spacing = n > 1 ? settings.SubmitOver / n : TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var results = new PlannedTask?[n];
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, c) =>
        {
            var due = spacing * i - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, c);
            }

            // 67 % sleep, 20 % echo, 10 % fail once then succeed: all must complete. 2 % always throw, 0.5 % hang past
            // their timeout honouring cancellation and 0.5 % hang ignoring it (abandoned after timeout + grace): these
            // must end failed after their retries.
            var hang = (long)(settings.LeaseTtl.TotalMilliseconds * 1.5);
            var (type, input, maxRetries, mustFail) = mix[i] switch
            {
                < 0.67 => ("buquet.sleep", (object)new Dictionary<string, object> { ["ms"] = sleeps[i] }, 3, false),
                < 0.87 => ("buquet.echo", new Dictionary<string, object> { ["n"] = i }, 3, false),
                < 0.97 => ("buquet.fail", new Dictionary<string, object> { ["times"] = 1 }, 3, false),
                < 0.99 => ("buquet.fail", new Dictionary<string, object> { ["times"] = 100 }, 2, true),
                < 0.995 => ("buquet.sleep", new Dictionary<string, object> { ["ms"] = hang }, 1, true),
                // 3 × the timeout: abandoned (timeout + 5 s grace) long before it returns; a shorter sleep can still
                // finish inside the renewed lease, and a clean success after a cancellation counts.
                _ => ("buquet.sleep", new Dictionary<string, object> { ["ms"] = hang * 2, ["ignore_cancellation"] = true }, 1, true),
            };
            var options = new SubmitOptions
            {
                Timeout = settings.LeaseTtl,
                MaxRetries = maxRetries,
                RetryPolicy = new RetryPolicy(200, 2000, 2.0, 0.25),
                IdempotencyKey = $"chaos-{settings.Seed}-{i}",
            };
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var task = await producer.SubmitAsync(type, input, options, c);
                    results[i] = mustFail
                        ? new PlannedTask(task.Id, new HashSet<BuquetTaskStatus> { BuquetTaskStatus.Failed }, type)
                        : PlannedTask.MustComplete(task.Id, type);
                    return;
                }
                catch (ObjectStoreUnavailableException) when (attempt < 50)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Min(attempt, 10)), c);
                }
            }
        });
        return [.. results.Select(r => r!)];
    }
}
