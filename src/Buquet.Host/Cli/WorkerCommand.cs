using System.CommandLine;
using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Buquet.Actors.Configuration;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Buquet.Host.Dashboard;
using Buquet.Host.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Buquet.Host.Cli;

/// <summary>
/// <c>buquet worker</c>: runs the worker service (built-in handlers plus any registered) until SIGTERM/SIGINT, then
/// drains gracefully: stop claiming, finish in-flight tasks until the drain deadline, cancel, release, deregister.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(CliHost host)
    {
        var id = new Option<string>("--id") { Description = "Worker id (default: worker-<8 hex>).", HelpName = "ID" };
        var concurrency = new Option<int?>("--concurrency") { Description = "Tasks executed at once (default from buquet.worker.concurrency).", HelpName = "N" };
        var shards = new Option<string>("--shards") { Description = "Comma-separated shards to poll (default: all).", HelpName = "LIST" };
        var indexMode = new Option<string>("--index-mode") { Description = "hybrid, index-only or log-scan.", HelpName = "MODE" };
        var cancelCheck = new Option<string>("--cancel-check-interval") { Description = "How often running tasks' cancel requests are checked: seconds or a duration (default from buquet.worker.cancel-check-interval, 10s; 0 = at lease renewal only).", HelpName = "DURATION" };
        var validateInput = new Option<bool>("--validate-input") { Description = "Check each task's input against its type's schema before the handler runs; a mismatch fails the task for good (buquet.worker.validate-input)." };
        var noMonitor = new Option<bool>("--no-monitor") { Description = "Do not run the embedded timeout monitor and index sweeper." };
        var healthPort = new Option<int?>("--health-port") { Description = "Serve /healthz, /readyz (and /metrics) on this port (buquet.worker.health).", HelpName = "PORT" };
        var command = new Command("worker", "Run a worker: claim and execute tasks until stopped (SIGTERM/SIGINT drain gracefully).")
        {
            id, concurrency, shards, indexMode, cancelCheck, validateInput, noMonitor, healthPort,
        };
        host.SetAction(command, async (ctx, ct) =>
        {
            var p = ctx.Parse;
            var flags = new List<KeyValuePair<string, string?>>();
            void Add(string flag, string? value)
            {
                if (value is not null)
                {
                    flags.Add(new(flag, value));
                }
            }

            Add("id", p.GetValue(id));
            Add("concurrency", p.GetValue(concurrency)?.ToString(CultureInfo.InvariantCulture));
            Add("shards", p.GetValue(shards));
            Add("index-mode", p.GetValue(indexMode));
            Add("cancel-check-interval", p.GetValue(cancelCheck));
            Add("health-port", p.GetValue(healthPort)?.ToString(CultureInfo.InvariantCulture));
            if (p.GetValue(validateInput))
            {
                Add("validate-input", "true");
            }

            if (p.GetValue(noMonitor))
            {
                Add("no-monitor", "true");
            }

            var configuration = HostBootstrap.BuildConfiguration(
                p.GetValue(host.Globals.Config), ctx.Environment.Variables, [.. host.Globals.Overrides(p), .. BuquetCommandLine.Map(flags)]);
            var options = BuquetOptions.Load(configuration);
            if (!options.Worker.BuiltInHandlers)
            {
                // The command line registers no handlers of its own: such a worker would claim nothing, forever.
                throw CliException.User(
                    "buquet worker has no task handlers: buquet.worker.built-in-handlers = false and the command registers no others, so it would claim no task.",
                    "Turn the built-in handlers on (buquet.worker.built-in-handlers = true, env BUQUET__WORKER__BUILT_IN_HANDLERS=true), or run your own handlers in your application with services.AddBuquetWorker(w => w.AddHandler<TMessage>(\"type\", ...)).");
            }

            var time = OffsetTimeProvider.Apply(ctx.Time, ctx.Environment.Variable(OffsetTimeProvider.EnvironmentVariable));
            if (time is OffsetTimeProvider skewed)
            {
                ctx.Output.Warn($"{OffsetTimeProvider.EnvironmentVariable}: this worker's local wall clock is shifted by {skewed.Offset} (fault injection; task timing uses the store's clock).");
            }

            // Health first: while the store is awaited the worker is alive (a restart would not help) but not ready.
            var health = new WorkerHealth();
            var telemetry = options.Telemetry;
            await using var healthEndpoint = await StartHealthAsync(options, health, ct);

            // A store that is unreachable at start (partition, S3 restarting, throttling) is waited for, not fatal.
            IObjectStore store = await StoreStartup.OpenAsync(
                c => ctx.Environment.OpenStore is { } open ? open(options, c) : ObjectStoreFactory.CreateAsync(options.Store, time, c),
                time,
                StartupJitter,
                (attempt, e, wait) =>
                {
                    health.StoreUnavailable($"attempt {attempt}: {e.GetType().Name}: {e.Message}");
                    ctx.Output.Warn($"store {Describe(options.Store)} not reachable at start-up (attempt {attempt}): {e.GetType().Name}: {e.Message}; retrying in {wait.TotalSeconds:0.0}s");
                },
                ct);
            health.StoreOpened();
            if (telemetry.PrometheusEnabled || !string.IsNullOrWhiteSpace(telemetry.OtlpEndpoint))
            {
                // S3 requests by operation and outcome on the Buquet.Actors meter.
                store = store as MeteredObjectStore ?? new MeteredObjectStore(store, time);
            }

            // With the health listener on, /metrics is served there; otherwise on its own port (dashboard bind rules).
            await using var prometheus = healthEndpoint is null ? await StartPrometheusAsync(options, ct) : null;
            using var otlp = BuquetOtlp.Start(telemetry);

            var builder = HostBuilders.Generic();
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.Worker.DrainDeadline + options.Worker.ShutdownGrace + TimeSpan.FromSeconds(15));
            builder.Services.AddSingleton(time);
            builder.Services.AddSingleton(store);
            builder.Services.AddBuquet(configuration).AddBuquetWorker();
            using var app = builder.Build();
            ctx.Output.Line($"[bold]buquet worker[/] on {Output.CliOutput.Esc(Describe(options.Store))}; Ctrl+C to stop (drain up to {options.Worker.DrainDeadline.TotalSeconds:0}s).");
            if (prometheus is not null)
            {
                ctx.Output.Line($"Prometheus metrics at {prometheus.Address}");
            }

            await app.StartAsync(ct);
            health.Attach(app.Services.GetRequiredService<ActorSystem>(), await app.Services.GetRequiredService<ActorRegistry>().GetAsync<BuquetWorker>(ct));
            if (healthEndpoint is not null)
            {
                // Printed once the probes can pass: the store is open and the supervisor is watched.
                var at = healthEndpoint.Address;
                ctx.Output.Line($"Health at {new Uri(at, "healthz")} and {new Uri(at, "readyz")}" + (healthEndpoint.ServesMetrics ? $", Prometheus metrics at {new Uri(at, "metrics")}" : string.Empty));
            }

            await app.WaitForShutdownAsync(ct);
            return Environment.ExitCode != 0 ? Environment.ExitCode : ExitCodes.Ok;
        });
        return command;
    }

    private static double StartupJitter() => System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue;

    /// <summary>Starts <c>/metrics</c> on <c>buquet.telemetry.prometheus-port</c> when enabled; bad bind settings are user errors.</summary>
    internal static async Task<PrometheusEndpoint?> StartPrometheusAsync(BuquetOptions options, CancellationToken ct)
    {
        try
        {
            return await PrometheusEndpoint.StartIfEnabledAsync(options, ct);
        }
        catch (ArgumentException e)
        {
            throw CliException.User(e.Message, "Bind to 127.0.0.1, or set buquet.dashboard.access-token (or no-auth behind an authenticating proxy).");
        }
        catch (IOException e)
        {
            throw CliException.User($"Cannot serve Prometheus metrics on port {options.Telemetry.PrometheusPort}: {e.Message}", "Pick a free port with buquet.telemetry.prometheus-port.");
        }
    }

    /// <summary>Starts the health listener when <c>buquet.worker.health.enabled</c>; bad bind settings are user errors.</summary>
    internal static async Task<WorkerHealthEndpoint?> StartHealthAsync(BuquetOptions options, WorkerHealth health, CancellationToken ct)
    {
        var settings = options.Worker.Health;
        if (!settings.Enabled)
        {
            return null;
        }

        try
        {
            return await WorkerHealthEndpoint.StartAsync(settings, options.Telemetry.PrometheusEnabled, health, ct);
        }
        catch (ArgumentException e)
        {
            throw CliException.User(e.Message, "Set buquet.worker.health.bind-address to an IP address, e.g. 0.0.0.0.");
        }
        catch (IOException e)
        {
            throw CliException.User($"Cannot serve the health endpoints on {settings.BindAddress}:{settings.Port}: {e.Message}", "Pick a free port with buquet.worker.health.port (env BUQUET_HEALTH_PORT, flag --health-port).");
        }
    }

    internal static string Describe(StoreOptions store) => store.Kind switch
    {
        StoreKind.S3 => $"s3://{store.S3.Bucket}" + (string.IsNullOrEmpty(store.S3.Endpoint) ? string.Empty : $" at {store.S3.Endpoint}"),
        StoreKind.Local => $"local directory {Path.GetFullPath(store.Local.Path)}",
        _ => store.Kind.ToString().ToLowerInvariant(),
    };
}
