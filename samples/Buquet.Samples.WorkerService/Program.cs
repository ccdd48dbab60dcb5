// A user's own worker service hosting Buquet.Actors without the `buquet` CLI.
//
//   dotnet run --project samples/Buquet.Samples.WorkerService            # embedded local-directory store
//   S3_BUCKET=my-bucket S3_ENDPOINT=http://127.0.0.1:9000 dotnet run --project samples/Buquet.Samples.WorkerService
//
// Configuration is the same layered configuration as the CLI (HOCON/reference.conf defaults, BUQUET_CONFIG, buquet's
// S3_* / BUQUET_* variables, BUQUET__SECTION__KEY overrides). SIGTERM / Ctrl+C drains in-flight tasks gracefully.
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Worker.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
var configuration = BuquetConfiguration.Build();

builder.Services
    .AddBuquet(configuration)
    .AddBuquetWorker(worker => worker
        .AddHandler<ResizeImage, ResizeResult>("images.resize", async (message, context) =>
        {
            context.Logger.LogResizing(message.Url, context.Attempt);
            if (message.Width <= 0 || message.Height <= 0)
            {
                throw new PermanentTaskException($"Bad size {message.Width}x{message.Height}.");
            }

            await Task.Yield(); // the real work would honour context.CancellationToken
            return new ResizeResult($"{message.Url}?w={message.Width}&h={message.Height}");
        }));

using var host = builder.Build();
await host.StartAsync();

// Producers use the same client (any process can submit; workers anywhere in the fleet pick the task up).
var client = host.Services.GetRequiredService<BuquetClient>();
var task = await client.SubmitAsync("images.resize", new ResizeImage("https://example.invalid/cat.png", 320, 200));
Console.WriteLine($"submitted {task.Id}; press Ctrl+C to stop the worker");

await host.WaitForShutdownAsync();

internal sealed record ResizeImage(string Url, int Width, int Height);

internal sealed record ResizeResult(string ResizedUrl);

internal static partial class Log
{
    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "Resizing {Url} (attempt {Attempt})")]
    public static partial void LogResizing(this Microsoft.Extensions.Logging.ILogger logger, string url, long attempt);
}
