using Akka.Actor;
using Akka.TestKit;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Tests.Worker.Handlers;

/// <summary>Handlers that are the user's own actors, speaking HandleTask / TaskReply / TaskCancelled (Akka.TestKit probes).</summary>
public sealed class MessageHandlerTests : IAsyncDisposable
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    public sealed record Resize(string Image, int Width);

    public sealed record Resized(string Image, int Width, int Height);

    [Fact]
    public async Task AddActor_ExistingActorRepliesCompleted_TaskCompletedWithResult()
    {
        var handler = _h.System.CreateProbe("resizer");
        var task = await _h.Client.SubmitAsync("images.resize", new Resize("a.png", 640));
        _h.StartWorker(WorkerHarness.Settings(), new TaskHandlerRegistry().AddActor<Resize>("images.resize", handler.Ref));

        var request = await _h.PumpUntilAsync(handler.ExpectMsgAsync<HandleTask<Resize>>(duration: WorkerHarness.Guard));
        Assert.Equal(new Resize("a.png", 640), request.Message);
        Assert.Equal(task.Id, request.TaskId);
        Assert.Equal(1, request.Attempt);
        handler.Reply(new TaskReply.Completed(new Resized("a.png", 640, 480)));

        var finished = await _h.PumpUntilFinishedAsync(1, Second);
        Assert.Equal(ExecutionResult.Completed, finished[0].Outcome);
        var done = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Completed, done.Status);
        Assert.Equal(480, done.Output!.Value.GetProperty("height").GetInt32());
    }

    [Fact]
    public async Task AddActor_ActorRepliesFail_TaskFailedAtOnceWithError()
    {
        var handler = _h.System.CreateProbe("strict");
        var task = await _h.Client.SubmitAsync("strict", new Resize("b.png", 0));
        _h.StartWorker(WorkerHarness.Settings(), new TaskHandlerRegistry().AddActor<Resize>("strict", handler.Ref));

        await _h.PumpUntilAsync(handler.ExpectMsgAsync<HandleTask<Resize>>(duration: WorkerHarness.Guard));
        handler.Reply(new TaskReply.Fail("width must be positive"));

        await _h.PumpUntilFinishedAsync(1, Second);
        var failed = await _h.GetAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Failed, failed.Status);
        Assert.Contains("width must be positive", failed.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddActor_ActorRepliesRetry_TaskBackToPendingWithRetryCounted()
    {
        var handler = _h.System.CreateProbe("flaky");
        var task = await _h.Client.SubmitAsync("flaky", new Resize("c.png", 10));
        _h.StartWorker(WorkerHarness.Settings(), new TaskHandlerRegistry().AddActor<Resize>("flaky", handler.Ref));

        await _h.PumpUntilAsync(handler.ExpectMsgAsync<HandleTask<Resize>>(duration: WorkerHarness.Guard));
        handler.Reply(new TaskReply.Retry("upstream 503"));

        var finished = await _h.PumpUntilFinishedAsync(1, Second);
        Assert.Equal(ExecutionResult.Retried, finished[0].Outcome);
        var retried = await _h.GetAsync(task.Id);
        Assert.Equal(1, retried.RetryCount);
        Assert.Contains("upstream 503", retried.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddActor_TaskTimesOut_ActorReceivesTaskCancelledWithTimeout()
    {
        var handler = _h.System.CreateProbe("slow");
        var task = await _h.Client.SubmitAsync("slow", new Resize("d.png", 1), new SubmitOptions { Timeout = TimeSpan.FromSeconds(10) });
        _h.StartWorker(WorkerHarness.Settings(), new TaskHandlerRegistry().AddActor<Resize>("slow", handler.Ref));

        var request = await _h.PumpUntilAsync(handler.ExpectMsgAsync<HandleTask<Resize>>(duration: WorkerHarness.Guard));
        var cancelled = await _h.PumpUntilAsync(handler.ExpectMsgAsync<TaskCancelled>(duration: WorkerHarness.Guard), Second);
        Assert.Equal(new TaskCancelled(task.Id, TaskCancellationReason.Timeout), cancelled);
        Assert.True(request.Context.CancellationToken.IsCancellationRequested);
        handler.Send(handler.LastSender, new TaskReply.Retry("stopped on cancellation"));

        var finished = await _h.PumpUntilFinishedAsync(1, Second);
        Assert.Equal(ExecutionResult.Retried, finished[0].Outcome);
    }

    [Fact]
    public async Task AddActorProps_FreshChildPerExecution_RepliesAndIsStoppedAfterwards()
    {
        var seen = _h.System.CreateProbe("seen");
        var props = ActorProps.FromFactory(() => new Doubler(seen.Ref));
        var first = await _h.Client.SubmitAsync("double", new Resize("e.png", 21));
        _h.StartWorker(WorkerHarness.Settings(), new TaskHandlerRegistry().AddActor<Resize>("double", props));

        var child = await _h.PumpUntilAsync(seen.ExpectMsgAsync<IActorRef>(duration: WorkerHarness.Guard));
        seen.Watch(child);
        await _h.PumpUntilFinishedAsync(1, Second);
        await seen.ExpectTerminatedAsync(child, WorkerHarness.Guard);
        Assert.Equal(42, (await _h.GetAsync(first.Id)).Output!.Value.GetProperty("width").GetInt32());
    }

    private sealed class Doubler : ReceiveActor
    {
        public Doubler(IActorRef seen)
        {
            Receive<HandleTask<Resize>>(m =>
            {
                seen.Tell(Self);
                Sender.Tell(new TaskReply.Completed(m.Message with { Width = m.Message.Width * 2 }));
            });
        }
    }
}
