using System.Collections;
using Akka.Actor;
using Akka.Hosting;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Buquet.Actors.Tests.Hosting;

/// <summary>The worker attached to an application's own Akka.Hosting actor system, with a handler that is the app's actor.</summary>
public sealed class WithBuquetWorkerTests
{
    public sealed record Greet(string Name);

    [Fact]
    public async Task WithBuquetWorker_ApplicationsOwnActorSystem_ActorHandlerCompletesTaskAndHostStopDrains()
    {
        var config = BuquetConfiguration.Build(null, new Hashtable(), [
            new("buquet:store:kind", "memory"),
            new("buquet:monitor:enabled", "false"),
            new("buquet:scheduler:enabled", "false"),
            new("buquet:worker:id", "worker-app"),
        ]);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IObjectStore>(new InMemoryObjectStore(TimeProvider.System));
        builder.Services.AddBuquet(config);
        builder.Services.AddAkka("my-app", (akka, sp) => akka
            .WithBuquetWorker(sp, w => w.AddActorHandler<Greet>("greet", Props.Create(() => new Greeter()))));
        using var host = builder.Build();

        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var worker = await host.Services.GetRequiredService<IRequiredActor<BuquetWorker>>().GetAsync();
        var client = host.Services.GetRequiredService<BuquetClient>();
        var task = await client.SubmitAsync("greet", new Greet("Ada"));
        var done = await WaitTerminalAsync(client, task.Id);
        await host.StopAsync();

        Assert.Equal("my-app", system.Name);
        Assert.Equal("akka://my-app/user/worker", worker.Path.ToString());
        Assert.Equal(BuquetTaskStatus.Completed, done.Status);
        Assert.Equal("hello Ada", done.Output!.Value.GetString());
        Assert.True(system.WhenTerminated.IsCompleted, "host stop ran the application's coordinated shutdown");
    }

    private static async Task<TaskRecord> WaitTerminalAsync(BuquetClient client, Guid id)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var task = (await client.GetAsync(id))!;
            if (task.Status is BuquetTaskStatus.Completed or BuquetTaskStatus.Failed)
            {
                return task;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(start) < TimeSpan.FromSeconds(20), $"task still {task.Status}");
            await Task.Yield();
        }
    }

    private sealed class Greeter : ReceiveActor
    {
        public Greeter() => Receive<HandleTask<Greet>>(m => Sender.Tell(new TaskReply.Completed("hello " + m.Message.Name)));
    }
}
