using Akka.TestKit;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Actors.Worker.Handlers;
using ExecutionResult = Buquet.Actors.Worker.Executors.ExecutionResult;
using Buquet.Actors.Worker.Executors;

namespace Buquet.Actors.Tests.Worker.Supervisor;

public sealed class WorkerEndToEndTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private async Task<Dictionary<Guid, BuquetTaskStatus>> SubmitMixAsync(int count)
    {
        var expected = new Dictionary<Guid, BuquetTaskStatus>();
        for (var i = 0; i < count; i++)
        {
            var (type, input, options, status) = (i % 10) switch
            {
                0 or 1 or 2 or 3 => (BuiltInHandlers.Echo, (object)new { i }, (SubmitOptions?)null, BuquetTaskStatus.Completed),
                4 or 5 => (BuiltInHandlers.Fail, new { times = 1 }, null, BuquetTaskStatus.Completed),
                6 or 7 => (BuiltInHandlers.Reschedule, new { times = 1, delay_s = 2 }, null, BuquetTaskStatus.Completed),
                8 => (BuiltInHandlers.Sleep, new { ms = 300 }, null, BuquetTaskStatus.Completed),
                _ => (BuiltInHandlers.Fail, new { times = 9 }, new SubmitOptions { MaxRetries = 1 }, BuquetTaskStatus.Failed),
            };
            var task = await _h.Client.SubmitAsync(type, input, options);
            expected[task.Id] = status;
        }

        return expected;
    }

    private async Task PumpUntilTerminalAsync(int terminals, TestProbe probe, TimeSpan step)
    {
        var done = 0;
        var start = TimeProvider.System.GetTimestamp();
        while (done < terminals)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(start) < TimeSpan.FromSeconds(25), $"only {done} of {terminals} tasks terminal");
            var finished = await probe.TryReceiveAsync<Executor.ExecutionFinished>(TimeSpan.FromMilliseconds(20));
            if (finished is null)
            {
                _h.Clock.Advance(step);
            }
            else if (finished.Outcome is ExecutionResult.Completed or ExecutionResult.Failed)
            {
                done++;
            }
        }
    }

    private async Task<bool> AllAsExpectedAsync(Dictionary<Guid, BuquetTaskStatus> expected)
    {
        foreach (var (id, status) in expected)
        {
            if ((await _h.GetAsync(id)).Status != status)
            {
                return false;
            }
        }

        return true;
    }

    private async Task AssertAllAsync(Dictionary<Guid, BuquetTaskStatus> expected)
    {
        foreach (var (id, status) in expected)
        {
            var task = await _h.GetAsync(id);
            Assert.True(status == task.Status, $"task {id} ({task.TaskType}) is {task.Status}, expected {status}; last error {task.LastError}");
        }
    }

    [Fact]
    public async Task TwoWorkerSystems_200MixedBuiltIns_AllReachExpectedTerminalState()
    {
        var expected = await SubmitMixAsync(200);
        var second = _h.NewSystem(2);
        second.EventStream.Subscribe(_h.Finished, typeof(Executor.ExecutionFinished));
        _h.StartWorker(WorkerHarness.Settings("worker-a", 8), new TaskHandlerRegistry().AddBuiltIns(_h.Clock));
        _h.StartWorker(WorkerHarness.Settings("worker-b", 8), new TaskHandlerRegistry().AddBuiltIns(_h.Clock), second);

        await PumpUntilTerminalAsync(200, _h.Finished, TimeSpan.FromMilliseconds(250));

        await AssertAllAsync(expected);
    }

    [Fact]
    public async Task StoreThrottling_503Bursts_NothingCrashesNothingLost()
    {
        var faulty = new FaultInjectingObjectStore(_h.Memory, new FaultSettings { ThrottleProbability = 0.1 }, new Random(42), _h.Clock);
        var expected = await SubmitMixAsync(40);
        var handlers = new TaskHandlerRegistry().AddBuiltIns(_h.Clock);
        var runtime = _h.Runtime(WorkerHarness.Settings(), handlers, faulty);
        var options = new BuquetOptions();
        options.Monitor.CheckInterval = TimeSpan.FromSeconds(5);
        options.Monitor.SweepInterval = TimeSpan.FromSeconds(10);
        WorkerFactory.Start(_h.System, runtime, companions: WorkerFactory.Companions(options, runtime));

        // Throttled index writes and commits are repaired by the monitor (lease recovery, sweeper): wait on the store.
        var start = TimeProvider.System.GetTimestamp();
        while (!await AllAsExpectedAsync(expected))
        {
            Assert.True(TimeProvider.System.GetElapsedTime(start) < TimeSpan.FromSeconds(25), "tasks not terminal in time");
            for (var i = 0; i < 10; i++)
            {
                _h.Clock.Advance(TimeSpan.FromSeconds(1));
                await _h.Finished.ReceiveOneAsync(TimeSpan.FromMilliseconds(10)); // progress signal, or null after a short guard
            }
        }

        await AssertAllAsync(expected);
        Assert.True(faulty.Injected.Throttles > 0);
    }
}
