using Buquet.Actors.Diagnostics;
using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Tests.Worker.Executors;

public sealed class ExecutorExecutionLogTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "buquet-execlog-" + Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        await _h.DisposeAsync();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Execution_LogConfigured_StartBeforeHandlerAndEndWithCommittedOutcome()
    {
        var handlerSawStart = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var log = new ExecutionLogWriter(_dir, "worker-test", 4242);
        var handlers = new TaskHandlerRegistry()
            .Add<object, string>("log.ok", (_, ctx) =>
            {
                // The start line is on disk before the handler runs.
                handlerSawStart.TrySetResult(ExecutionLogReader.ReadDirectory(_dir).Executions.Any(x => x.TaskId == ctx.Task.Id && x.End is null));
                return Task.FromResult("done");
            })
            .Add<object>("log.bad", (_, _) => throw new InvalidOperationException("boom"));
        var ok = await _h.Client.SubmitAsync("log.ok", new { });
        var bad = await _h.Client.SubmitAsync("log.bad", new { }, new Buquet.Actors.Client.SubmitOptions { MaxRetries = 0 });
        var runtime = _h.Runtime(WorkerHarness.Settings(concurrency: 1), handlers) with { ExecutionLog = log };
        WorkerFactory.Start(_h.System, runtime);

        var finished = await _h.PumpUntilFinishedAsync(2, TimeSpan.FromSeconds(1));

        Assert.True(await handlerSawStart.Task.WaitAsync(WorkerHarness.Guard));
        var contents = ExecutionLogReader.ReadDirectory(_dir);
        var okRun = Assert.Single(contents.Executions, x => x.TaskId == ok.Id);
        var badRun = Assert.Single(contents.Executions, x => x.TaskId == bad.Id);
        var okTask = await _h.GetAsync(ok.Id);
        Assert.Equal(ExecutionOutcomes.Completed, okRun.Outcome);
        Assert.Equal(ExecutionOutcomes.Failed, badRun.Outcome);
        Assert.Equal(okTask.Attempt, okRun.Start.Attempt);
        Assert.NotNull(okRun.Start.LeaseId);
        Assert.Equal(okRun.Start.LeaseId, okRun.End!.LeaseId);
        Assert.Equal("worker-test", okRun.WorkerId);
        Assert.Equal(4242, okRun.Start.Pid);
        Assert.True(okRun.EndedAt >= okRun.StartedAt);
        Assert.True(okRun.EndedAt <= okTask.CompletedAt!.Value.AddSeconds(1), "the end time is the store clock");
        Assert.Equal(2, finished.Count);
    }

    [Fact]
    public async Task Execution_NoLogConfigured_NothingWritten()
    {
        var handlers = new TaskHandlerRegistry().Add<object, string>("log.ok", (_, _) => Task.FromResult("done"));
        await _h.Client.SubmitAsync("log.ok", new { });
        _h.StartWorker(WorkerHarness.Settings(), handlers);

        var finished = await _h.PumpUntilFinishedAsync(1, TimeSpan.FromSeconds(1));

        Assert.Equal(ExecutionResult.Completed, Assert.Single(finished).Outcome);
        Assert.False(Directory.Exists(_dir));
    }
}
