using System.Collections;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit;
using Buquet.Actors.Runtime;
using Buquet.Actors.Tests.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Supervisor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Hosting;

public sealed class BuquetHostingTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private IHost BuildHost(Action<BuquetWorkerBuilder> handlers, int? exitCode = null)
    {
        var config = BuquetConfiguration.Build(null, new Hashtable(), [
            new("buquet:store:kind", "memory"),
            new("buquet:worker:concurrency", "1"),
            new("buquet:worker:id", "worker-host"),
            new("buquet:monitor:enabled", "false"),
        ]);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSingleton<IObjectStore>(new InMemoryObjectStore(_clock));
        builder.Services.AddBuquet(config).AddBuquetWorker(b =>
        {
            handlers(b);
            b.SetExitCode = _ => { };
        });
        return builder.Build();
    }

    private async Task PumpAsync(Task signal)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!signal.IsCompleted)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(start) < TimeSpan.FromSeconds(15), "signal not completed");
            try
            {
                await signal.WaitAsync(TimeSpan.FromMilliseconds(20));
            }
            catch (TimeoutException)
            {
                _clock.Advance(TimeSpan.FromMilliseconds(200));
            }
        }

        await signal;
    }

    [Fact]
    public async Task AddBuquetWorker_HostStartsAndStops_TaskRunsAndHostStopDrainsInFlight()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        using var host = BuildHost(b => b.AddHandler<object, string>("gate", async (_, _) =>
        {
            Interlocked.Increment(ref runs);
            started.TrySetResult();
            await release.Task;
            return "done";
        }));
        await host.StartAsync();
        var client = host.Services.GetRequiredService<BuquetClient>();
        var first = await client.SubmitAsync("gate", new { });
        await PumpAsync(started.Task);
        var second = await client.SubmitAsync("gate", new { });

        var stopping = host.StopAsync();
        var supervisor = host.Services.GetRequiredService<ActorRegistry>().Get<BuquetWorker>();
        Assert.Equal(supervisor, await host.Services.GetRequiredService<IRequiredActor<BuquetWorker>>().GetAsync());
        Assert.Equal("/user/worker", supervisor.Path.ToStringWithoutAddress());
        await PumpAsync(WaitPhaseAsync(supervisor));
        release.SetResult();
        await PumpAsync(stopping);

        Assert.Equal(BuquetTaskStatus.Completed, (await client.GetAsync(first.Id))!.Status);
        Assert.Equal(BuquetTaskStatus.Pending, (await client.GetAsync(second.Id))!.Status);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task AddBuquetWorker_BuiltInsOnByDefault_EchoCompletes()
    {
        using var host = BuildHost(_ => { });
        await host.StartAsync();
        var client = host.Services.GetRequiredService<BuquetClient>();
        var task = await client.SubmitAsync("buquet.echo", new { x = 1 });

        await PumpAsync(WaitStatusAsync(client, task.Id, BuquetTaskStatus.Completed));
        await PumpAsync(host.StopAsync());
    }

    public sealed record Resize(int WidthPx, string? TargetFormat);

    [Fact]
    public async Task AddBuquetWorker_JsonOptionsSet_HandlerMessagesAndResultsUseThem()
    {
        var received = new TaskCompletionSource<Resize>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(b =>
        {
            b.JsonOptions = new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower };
            b.AddHandler<Resize, Resize>("images.resize", (msg, _) =>
            {
                received.TrySetResult(msg);
                return Task.FromResult(msg with { WidthPx = msg.WidthPx / 2 });
            });
        });
        await host.StartAsync();
        var client = host.Services.GetRequiredService<BuquetClient>();
        var input = System.Text.Json.JsonDocument.Parse("""{"width_px": 640, "target_format": "webp"}""").RootElement;
        var task = await client.SubmitAsync("images.resize", input);

        await PumpAsync(WaitStatusAsync(client, task.Id, BuquetTaskStatus.Completed));
        await PumpAsync(host.StopAsync());

        Assert.Equal(new Resize(640, "webp"), await received.Task);
        Assert.Equal(320, (await client.GetAsync(task.Id))!.Output!.Value.GetProperty("width_px").GetInt32());
    }

    private static async Task WaitPhaseAsync(IActorRef supervisor)
    {
        while ((await supervisor.Ask<WorkerStatus>(WorkerSupervisor.GetStatus.Instance, TimeSpan.FromSeconds(5))).Phase == WorkerPhase.Running)
        {
            await Task.Yield();
        }
    }

    private static async Task WaitStatusAsync(BuquetClient client, Guid id, BuquetTaskStatus status)
    {
        while ((await client.GetAsync(id))!.Status != status)
        {
            await Task.Yield();
        }
    }
}
