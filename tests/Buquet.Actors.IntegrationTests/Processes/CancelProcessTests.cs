using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Xunit.Abstractions;

namespace Buquet.Actors.IntegrationTests.Processes;

/// <summary>
/// ADR 0017 through the CLI on a real S3 server: <c>buquet cancel</c> of a running <c>buquet.sleep</c> task run by a
/// <c>buquet worker</c> process ends the task <c>cancelled</c> within the worker's cancel check interval, long before
/// the lease renewal (5 min lease, renewed every 100 s) would have carried the request.
/// </summary>
public abstract class CancelProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long the first claim may take: it is not what this test measures, and on a loaded 2-core CI machine (four
    /// test projects in parallel) a worker process started after the submit has twice taken more than 60 s to claim
    /// (an open finding, recorded in the issue notes); the cancel latency keeps its own guard.
    /// </summary>
    private static readonly TimeSpan PickupGuard = TimeSpan.FromMinutes(3);

    internal abstract S3TestServer Server { get; }

    [Fact]
    public async Task CliCancel_RunningSleepTask_EndsCancelledWithinCheckInterval()
    {
        var bucket = await Server.CreateBucketAsync();
        var config = Path.Combine(Path.GetTempPath(), $"buquet-cancel-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(config, "buquet.worker { polling { min-interval = 50ms, max-interval = 500ms } }");
        using var store = await S3ObjectStore.CreateAsync(Server.Options(bucket));
        var client = new BuquetClient(store);
        var task = await client.SubmitAsync("buquet.sleep", new { ms = 600_000 }, new SubmitOptions { Timeout = TimeSpan.FromMinutes(10) });
        using var worker = WorkerProcess.Start(Server, bucket, "cancel-worker", config, "--cancel-check-interval", "2s");
        try
        {
            await WaitForAsync(client, task.Id, t => t.Status == BuquetTaskStatus.Running, worker, PickupGuard);

            var started = TimeProvider.System.GetTimestamp();
            var (exit, text) = await WorkerProcess.RunCliAsync(Server, bucket, Guard, "cancel", task.Id.ToString(), "-r", "test over");
            Assert.True(exit == 0, text);
            Assert.Contains("cancellation requested", text);
            var ended = await WaitForAsync(client, task.Id, t => t.IsTerminal, worker, Guard);
            var took = TimeProvider.System.GetElapsedTime(started);
            output.WriteLine($"cancel to terminal status: {took.TotalSeconds:0.0}s (check interval 2s; includes the CLI process start)");

            Assert.Equal(BuquetTaskStatus.Cancelled, ended.Status);
            Assert.Equal("test over", ended.LastError);
            Assert.NotNull(ended.CancelledAt);
        }
        finally
        {
            await worker.StopAsync(TimeSpan.FromSeconds(20));
            File.Delete(config);
        }
    }

    private static async Task<TaskRecord> WaitForAsync(BuquetClient client, Guid id, Func<TaskRecord, bool> done, WorkerProcess worker, TimeSpan guard)
    {
        var start = TimeProvider.System.GetTimestamp();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (true)
        {
            var task = await client.GetAsync(id);
            if (task is not null && done(task))
            {
                return task;
            }

            // A guard only: the renewal would carry the request after 100 s, so a pass within it came from the hint.
            Assert.True(TimeProvider.System.GetElapsedTime(start) < guard, $"task {id} is {task?.Status} after {guard}; worker output:{Environment.NewLine}{WorkerFleetTests.Tail(worker.Output())}");
            Assert.False(worker.HasExited, "the worker exited: " + WorkerFleetTests.Tail(worker.Output()));
            await tick.WaitForNextTickAsync();
        }
    }
}

/// <summary>On moto (versioned bucket).</summary>
[Collection("Processes")]
public sealed class MotoCancelProcessTests(ITestOutputHelper output) : CancelProcessTests(output)
{
    internal override S3TestServer Server => S3TestServer.Moto;
}
