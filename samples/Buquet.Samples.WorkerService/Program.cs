// A user's own worker service hosting Buquet.Actors without the `buquet` CLI.
//
//   dotnet run --project samples/Buquet.Samples.WorkerService            # embedded local (SQLite) store
//   S3_BUCKET=my-bucket S3_ENDPOINT=http://127.0.0.1:9000 dotnet run --project samples/Buquet.Samples.WorkerService
//
// Configuration is the same layered configuration as the CLI (HOCON/reference.conf defaults, BUQUET_CONFIG, buquet's
// S3_* / BUQUET_* variables, BUQUET__SECTION__KEY overrides). SIGTERM / Ctrl+C drains in-flight tasks gracefully.
//
// Two ways to host the worker (both on Akka.NET):
//   (default)   AddBuquetWorker: the worker runs in an actor system of its own, with a delegate handler.
//   --own-akka  the application's own AddAkka(...) system, the worker attached with WithBuquetWorker and the handler
//               written as an actor (HandleTask<T> in, TaskReply out, TaskCancelled on timeout/cancel/shutdown).
using Akka.Actor;
using Akka.Hosting;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Worker.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
var configuration = BuquetConfiguration.Build();

builder.Services.AddBuquet(configuration);
if (args.Contains("--own-akka"))
{
    builder.Services.AddAkka("sample-app", (akka, sp) => akka
        .WithBuquetWorker(sp, worker => worker.AddActorHandler<ResizeImage>("images.resize", Props.Create<ResizeActor>())));
}
else
{
    builder.Services.AddBuquetWorker(worker => worker
        .AddHandler<ResizeImage, ResizeResult>("images.resize", async (message, context) =>
        {
            context.Logger.LogResizing(message.Url, context.Attempt);
            await Task.Yield(); // the real work would honour context.CancellationToken
            return Resize(message);
        }));
}

using var host = builder.Build();
await host.StartAsync();

// Producers use the same client (any process can submit; workers anywhere in the fleet pick the task up).
var client = host.Services.GetRequiredService<BuquetClient>();
var task = await client.SubmitAsync("images.resize", new ResizeImage("https://example.invalid/cat.png", 320, 200));
Console.WriteLine($"submitted {task.Id}; press Ctrl+C to stop the worker");

await host.WaitForShutdownAsync();

static ResizeResult Resize(ResizeImage message) => message.Width <= 0 || message.Height <= 0
    ? throw new PermanentTaskException($"Bad size {message.Width}x{message.Height}.")
    : new ResizeResult($"{message.Url}?w={message.Width}&h={message.Height}");

internal sealed record ResizeImage(string Url, int Width, int Height);

/// <summary>The same handler as an actor: one HandleTask per execution, one TaskReply back.</summary>
internal sealed class ResizeActor : ReceiveActor
{
    public ResizeActor()
    {
        Receive<HandleTask<ResizeImage>>(m => Sender.Tell(m.Message.Width <= 0 || m.Message.Height <= 0
            ? new TaskReply.Fail($"Bad size {m.Message.Width}x{m.Message.Height}.")
            : new TaskReply.Completed(new ResizeResult($"{m.Message.Url}?w={m.Message.Width}&h={m.Message.Height}"))));
        Receive<TaskCancelled>(_ => Context.Stop(Self));
    }
}

internal sealed record ResizeResult(string ResizedUrl);

internal static partial class Log
{
    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "Resizing {Url} (attempt {Attempt})")]
    public static partial void LogResizing(this Microsoft.Extensions.Logging.ILogger logger, string url, long attempt);
}
