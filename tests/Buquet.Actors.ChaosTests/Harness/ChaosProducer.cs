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
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, c) =>
        {
            var due = spacing * i - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, c);
            }

            var (type, input) = mix[i] switch
            {
                < 0.7 => ("buquet.sleep", (object)new Dictionary<string, int> { ["ms"] = sleeps[i] }),
                < 0.9 => ("buquet.echo", new Dictionary<string, int> { ["n"] = i }),
                _ => ("buquet.fail", new Dictionary<string, int> { ["times"] = 1 }),
            };
            var options = new SubmitOptions
            {
                Timeout = settings.LeaseTtl,
                MaxRetries = 3,
                RetryPolicy = new RetryPolicy(200, 2000, 2.0, 0.25),
                IdempotencyKey = $"chaos-{settings.Seed}-{i}",
            };
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var task = await producer.SubmitAsync(type, input, options, c);
                    results[i] = PlannedTask.MustComplete(task.Id, type);
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
