using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.Executors;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Tests.Worker.Handlers;

public sealed class TaskHandlerTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    public sealed record Order(string Sku, int Quantity);

    public sealed record Receipt(string Sku, int Total);

    private async Task<TaskRecord> RunOneAsync(TaskHandlerRegistry handlers, string type, object? input, SubmitOptions? options = null)
    {
        var task = await _h.Client.SubmitAsync(type, input, options);
        _h.StartWorker(WorkerHarness.Settings(), handlers);
        await _h.PumpUntilFinishedAsync(1);
        return await _h.GetAsync(task.Id);
    }

    [Fact]
    public async Task DelegateHandler_TypedInput_OutputSerializedAndCompleted()
    {
        var handlers = new TaskHandlerRegistry().Add<Order, Receipt>("orders", (o, ctx) => Task.FromResult(new Receipt(o.Sku, o.Quantity * 2)));

        var done = await RunOneAsync(handlers, "orders", new { sku = "A1", quantity = 21 });

        Assert.Equal(BuquetTaskStatus.Completed, done.Status);
        Assert.Equal("A1", done.Output!.Value.GetProperty("sku").GetString());
        Assert.Equal(42, done.Output!.Value.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task DelegateHandler_ContextCarriesTaskAndDeadline()
    {
        TaskContext? seen = null;
        var handlers = new TaskHandlerRegistry().Add<Order>("orders", (o, ctx) =>
        {
            seen = ctx;
            return Task.CompletedTask;
        });

        var done = await RunOneAsync(handlers, "orders", new Order("B", 1), new SubmitOptions { Timeout = TimeSpan.FromSeconds(90) });

        Assert.NotNull(seen);
        Assert.Equal(done.Id, seen.TaskId);
        Assert.Equal(1, seen.Attempt);
        Assert.Equal(seen.Task.UpdatedAt + TimeSpan.FromSeconds(90), seen.Deadline);
        Assert.Null(done.Output);
    }

    [Fact]
    public async Task BadInput_PermanentFailureNamingTheType()
    {
        var ran = false;
        var handlers = new TaskHandlerRegistry().Add<Order, Receipt>("orders", (o, ctx) =>
        {
            ran = true;
            return Task.FromResult(new Receipt(o.Sku, 0));
        });

        var done = await RunOneAsync(handlers, "orders", new { sku = 5, quantity = "many" });

        Assert.False(ran);
        Assert.Equal(BuquetTaskStatus.Failed, done.Status);
        Assert.Contains("Invalid input for task type 'orders'", done.LastError, StringComparison.Ordinal);
        Assert.Equal(0, done.RetryCount);
    }

    [Fact]
    public async Task PermanentException_FailsWithoutRetry()
    {
        var handlers = new TaskHandlerRegistry().Add<Order>("orders", (o, ctx) => throw new PermanentTaskException("card declined"));

        var done = await RunOneAsync(handlers, "orders", new Order("C", 1));

        Assert.Equal(BuquetTaskStatus.Failed, done.Status);
        Assert.Equal("Permanent error: card declined", done.LastError);
    }

    [Fact]
    public async Task RetryableException_BackToPendingWithBackoff()
    {
        var handlers = new TaskHandlerRegistry().Add<Order>("orders", (o, ctx) => throw new RetryableTaskException("busy"));

        var done = await RunOneAsync(handlers, "orders", new Order("D", 1));

        Assert.Equal(BuquetTaskStatus.Pending, done.Status);
        Assert.Equal(1, done.RetryCount);
        Assert.Equal("Retryable error: busy", done.LastError);
        Assert.True(done.AvailableAt > done.UpdatedAt);
    }

    [Fact]
    public async Task UnknownException_RetriedByPolicy()
    {
        var handlers = new TaskHandlerRegistry().Add<Order>("orders", (o, ctx) => throw new InvalidOperationException("boom"));

        var done = await RunOneAsync(handlers, "orders", new Order("E", 1));

        Assert.Equal(BuquetTaskStatus.Pending, done.Status);
        Assert.Equal("InvalidOperationException: boom", done.LastError);
    }

    [Fact]
    public async Task UnknownException_NoRetriesLeft_Failed()
    {
        var handlers = new TaskHandlerRegistry().Add<Order>("orders", (o, ctx) => throw new InvalidOperationException("boom"));

        var done = await RunOneAsync(handlers, "orders", new Order("E", 1), new SubmitOptions { MaxRetries = 0 });

        Assert.Equal(BuquetTaskStatus.Failed, done.Status);
    }

    [Fact]
    public async Task RescheduleException_PendingAfterDelayWithoutUsingRetries()
    {
        var handlers = new TaskHandlerRegistry().Add<Order>("orders", (o, ctx) => throw new RescheduleTaskException(TimeSpan.FromMinutes(10)));

        var done = await RunOneAsync(handlers, "orders", new Order("F", 1));

        Assert.Equal(BuquetTaskStatus.Pending, done.Status);
        Assert.Equal(1, done.RescheduleCount);
        Assert.Equal(0, done.RetryCount);
        Assert.True(done.AvailableAt >= done.UpdatedAt + TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task HandlerActor_RunsAsChildAndCompletes()
    {
        var handlers = new TaskHandlerRegistry().AddActor<DoublingHandler>("double");

        var done = await RunOneAsync(handlers, "double", new Order("G", 4));

        Assert.Equal(BuquetTaskStatus.Completed, done.Status);
        Assert.Equal(8, done.Output!.Value.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task HandlerActor_Throws_MappedLikeDelegates()
    {
        var handlers = new TaskHandlerRegistry().AddActor<DoublingHandler>("double");

        var done = await RunOneAsync(handlers, "double", new Order("bad", 4));

        Assert.Equal(BuquetTaskStatus.Failed, done.Status);
        Assert.Equal("Permanent error: bad sku", done.LastError);
    }

    [Fact]
    public void Add_SameTypeTwice_ThrowsNamingType()
    {
        var handlers = new TaskHandlerRegistry().Add<Order>("orders", (o, c) => Task.CompletedTask);

        var error = Assert.Throws<ArgumentException>(() => handlers.Add<Order>("orders", (o, c) => Task.CompletedTask));
        Assert.Contains("'orders'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_InvalidTaskType_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TaskHandlerRegistry().Add<Order>("a/b", (o, c) => Task.CompletedTask));
    }

    [Fact]
    public void RescheduleTaskException_NegativeDelay_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RescheduleTaskException(TimeSpan.FromSeconds(-1)));
    }

    private sealed class DoublingHandler : TaskHandlerActor<Order, Receipt>
    {
        protected override Task<Receipt> HandleAsync(Order message, TaskContext context) => message.Sku == "bad"
            ? throw new PermanentTaskException("bad sku")
            : Task.FromResult(new Receipt(message.Sku, message.Quantity * 2));
    }
}
