using System.Globalization;
using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Xunit.Abstractions;

namespace Buquet.Actors.IntegrationTests.Processes;

/// <summary>
/// Issue 5's fault test with real processes: three <c>buquet worker</c> OS processes on one bucket, N tasks
/// (BUQUET_TEST_FLEET_TASKS, default 300; set 1000 for issue 5's full bar, about 3 minutes per server), one worker SIGKILLed mid-run. Every task must reach <c>completed</c>; none
/// may be lost; executions per task (the task's <c>attempt</c>) are reported as duplicates.
/// </summary>
public abstract class WorkerFleetTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(8);

    internal abstract S3TestServer Server { get; }

    private static int TaskCount =>
        int.TryParse(Environment.GetEnvironmentVariable("BUQUET_TEST_FLEET_TASKS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 300;

    /// <summary>Short leases and a fast monitor so the killed worker's tasks come back within seconds.</summary>
    internal static string WriteConfig(string extra = "")
    {
        var path = Path.Combine(Path.GetTempPath(), $"buquet-fleet-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, """
            buquet {
              worker { concurrency = 8, lease-ttl = 10s, drain-deadline = 5s, shutdown-grace = 2s, heartbeat-interval = 2s
                       polling { min-interval = 50ms, max-interval = 500ms } }
              monitor { check-interval = 2s, sweep-interval = 10s }
            }
            """ + extra);
        return path;
    }

    [Fact]
    public async Task ThreeWorkers_OneSigkilledMidRun_EveryTaskCompletes()
    {
        var bucket = await Server.CreateBucketAsync();
        var config = WriteConfig();
        using var store = await S3ObjectStore.CreateAsync(Server.Options(bucket));
        var client = new BuquetClient(store);
        var count = TaskCount;
        var submissions = Enumerable.Range(0, count).Select(i => i % 2 == 0
            ? new TaskSubmission("buquet.echo", new { i }, new SubmitOptions { Timeout = TimeSpan.FromSeconds(10), MaxRetries = 5 })
            : new TaskSubmission("buquet.sleep", new { ms = 20 }, new SubmitOptions { Timeout = TimeSpan.FromSeconds(10), MaxRetries = 5 }));
        var submitted = await client.SubmitManyAsync(submissions);
        var ids = submitted.Select(r => r.Task!.Id).ToHashSet();
        Assert.Equal(count, ids.Count);

        var workers = Enumerable.Range(0, 3).Select(i => WorkerProcess.Start(Server, bucket, $"fleet-{i}", config)).ToList();
        try
        {
            var started = DateTimeOffset.UtcNow;
            using var poll = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var killed = false;
            Dictionary<Guid, TaskRecord> tasks;
            while (true)
            {
                tasks = await ListAllAsync(client);
                var done = tasks.Values.Count(t => t.IsTerminal);
                if (!killed && done >= Math.Max(1, count / 20))
                {
                    workers[0].Kill();
                    killed = true;
                    output.WriteLine($"SIGKILLed {workers[0].Id} after {done} of {count} tasks were terminal");
                }

                if (killed && done == count)
                {
                    break;
                }

                Assert.True(DateTimeOffset.UtcNow - started < Deadline,
                    $"only {done} of {count} tasks terminal after {Deadline}; statuses: " +
                    string.Join(", ", tasks.Values.GroupBy(t => t.Status).Select(g => $"{g.Key}={g.Count()}")) + Environment.NewLine +
                    string.Join(Environment.NewLine, workers.Select(w => $"--- {w.Id} ---{Environment.NewLine}{Tail(w.Output())}")));
                Assert.True(workers.Skip(1).All(w => !w.HasExited), "a surviving worker exited: " + string.Join(Environment.NewLine, workers.Skip(1).Select(w => Tail(w.Output()))));
                await poll.WaitForNextTickAsync();
            }

            output.WriteLine($"all {count} tasks terminal after {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0}s");
            Assert.Equal(ids.Order(), tasks.Keys.Order());
            var notCompleted = tasks.Values.Where(t => t.Status != BuquetTaskStatus.Completed).ToList();
            Assert.True(notCompleted.Count == 0, "not completed: " + string.Join(", ", notCompleted.Take(10).Select(t => $"{t.Id} {t.Status} {t.LastError}")));
            var duplicates = tasks.Values.Where(t => t.Attempt > 1).ToList();
            output.WriteLine($"duplicates (executed more than once, attempt > 1): {duplicates.Count} of {count}; " +
                $"executions: {tasks.Values.Sum(t => t.Attempt)}; max attempt {tasks.Values.Max(t => t.Attempt)}");
            foreach (var d in duplicates.Take(20))
            {
                output.WriteLine($"  {d.Id} {d.TaskType} attempt {d.Attempt} worker {d.WorkerId}");
            }
        }
        finally
        {
            await Task.WhenAll(workers.Skip(1).Select(w => w.StopAsync(TimeSpan.FromSeconds(20))));
            foreach (var w in workers)
            {
                w.Dispose();
            }

            File.Delete(config);
        }
    }

    internal static async Task<Dictionary<Guid, TaskRecord>> ListAllAsync(BuquetClient client)
    {
        var all = new Dictionary<Guid, TaskRecord>();
        string? token = null;
        do
        {
            var page = await client.ListAsync(new TaskQuery { PageSize = 1000, ContinuationToken = token });
            foreach (var t in page.Tasks)
            {
                all[t.Id] = t;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return all;
    }

    internal static string Tail(string text) => text.Length <= 3000 ? text : text[^3000..];
}

/// <summary>On moto (versioned bucket).</summary>
[Collection("Processes")]
public sealed class MotoWorkerFleetTests(ITestOutputHelper output) : WorkerFleetTests(output)
{
    internal override S3TestServer Server => S3TestServer.Moto;
}

/// <summary>On Ceph RGW (unversioned bucket: BUQUET_ALLOW_NO_VERSIONING=true).</summary>
[Collection("Processes")]
public sealed class RgwWorkerFleetTests(ITestOutputHelper output) : WorkerFleetTests(output)
{
    internal override S3TestServer Server => S3TestServer.Rgw;
}
