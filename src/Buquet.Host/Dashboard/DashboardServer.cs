using System.Net;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Host.Dashboard;

/// <summary>
/// The web dashboard (<c>buquet serve</c>): overview, tasks, task detail with history, workers, schedules, operator
/// actions, <c>/metrics</c> (Prometheus text), <c>/healthz</c> and <c>/readyz</c>, on Kestrel. Binds 127.0.0.1 by
/// default; any other address needs <see cref="DashboardOptions.AccessToken"/> or <see cref="DashboardOptions.NoAuth"/>.
/// Pages render from a server-side cache refreshed in the background at a bounded S3 request cost per refresh.
/// </summary>
/// <example>
/// <code>
/// await using var server = DashboardServer.Create(options, store);
/// await server.StartAsync(ct);
/// Console.WriteLine($"Dashboard running at {server.Address}");
/// await server.WaitForShutdownAsync(ct);
/// </code>
/// </example>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DashboardRuntime _runtime;
    private readonly ILogger _logger;
    private CancellationTokenSource? _loop;
    private Task? _loopTask;
    private IDisposable? _otlp;

    private DashboardServer(WebApplication app, DashboardRuntime runtime, ILogger logger)
    {
        _app = app;
        _runtime = runtime;
        _logger = logger;
    }

    /// <summary>The address the server listens on (port resolved when 0 was asked for); set after <see cref="StartAsync"/>.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Builds a dashboard for <paramref name="store"/> with <paramref name="options"/> (dashboard, queue, monitor, telemetry sections).</summary>
    /// <param name="options">Validated settings (<see cref="BuquetOptions.Load"/>).</param>
    /// <param name="store">The bucket; requests are recorded on the <c>Buquet.Actors</c> meter.</param>
    /// <param name="client">The client for actions and task detail; created over <paramref name="store"/> when <c>null</c>.</param>
    /// <param name="loggerFactory">Logging; none when <c>null</c>.</param>
    /// <param name="timeProvider">Local timing (refresh interval); the system one when <c>null</c>.</param>
    /// <exception cref="ArgumentException">The bind address is not loopback and neither an access token nor no-auth is set, or it is not an IP address.</exception>
    public static DashboardServer Create(BuquetOptions options, IObjectStore store, BuquetClient? client = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) =>
        Create(options, store, client, loggerFactory, timeProvider, null);

    internal static DashboardServer Create(BuquetOptions options, IObjectStore store, BuquetClient? client, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, DashboardCacheOptions? cacheOptions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var dash = options.Dashboard;
        var auth = DashboardAuth.For(dash.BindAddress, dash.AccessToken, dash.NoAuth);
        var address = ParseBindAddress(dash.BindAddress);
        if (dash.Port is < 0 or > 65535)
        {
            throw new ArgumentException($"Dashboard port {dash.Port} is outside 0..65535.", nameof(options));
        }

        var time = timeProvider ?? TimeProvider.System;
        var metered = store as MeteredObjectStore ?? new MeteredObjectStore(store, time);
        client ??= new BuquetClient(metered, new BuquetClientOptions { ShardPrefixLength = options.Queue.ShardPrefixLength }, time);
        var cache = new DashboardCache(metered, client.Clock, cacheOptions ?? new DashboardCacheOptions());
        var runtime = new DashboardRuntime(client, cache, auth, new StoreReadiness(metered), BuquetPrometheus.CreateProvider(),
            options.Queue.ShardPrefixLength, options.Monitor.WorkerHealthThreshold, time)
        {
            DefaultTimeZone = options.Scheduler.DefaultTimeZone,
        };

        var builder = HostBuilders.Web(typeof(DashboardServer).Assembly.GetName().Name!);
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(address, dash.Port);
        });
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "buquet_af";
            o.FormFieldName = "__RequestVerificationToken";
            o.HeaderName = "X-CSRF-TOKEN";
        });
        builder.Services.AddSingleton(runtime);

        var app = builder.Build();
        app.Use(DashboardEndpoints.SecurityHeadersAsync);
        app.Use(auth.InvokeAsync);
        DashboardEndpoints.Map(app, runtime);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Buquet.Dashboard");
        return new DashboardServer(app, runtime, logger) { _otlp = BuquetOtlp.Start(options.Telemetry) };
    }

    /// <summary>Starts listening, runs the store probe and the cache warm-up, then the background refresh loop.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        var first = addresses?.Addresses.FirstOrDefault() ?? throw new InvalidOperationException("Kestrel reported no address.");
        Address = new Uri(first.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        _loop = new CancellationTokenSource();
        _loopTask = _runtime.RunAsync(_logger, _loop.Token);
        _logger.LogInformation("Dashboard running at {Address}", Address);
    }

    /// <summary>Completes once the warm-up listing is done (pages show the whole queue from then on).</summary>
    public Task WaitUntilWarmAsync(CancellationToken cancellationToken = default) => _runtime.Warm.Task.WaitAsync(cancellationToken);

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled (Ctrl+C in <c>buquet serve</c>), then stops.</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _runtime.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Stops the refresh loop and Kestrel.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_loop is not null)
        {
            await _loop.CancelAsync().ConfigureAwait(false);
            if (_loopTask is not null)
            {
                await _loopTask.ConfigureAwait(false);
            }

            _loop.Dispose();
            _loop = null;
        }

        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _runtime.Dispose();
        _otlp?.Dispose();
    }

    internal DashboardRuntime Runtime => _runtime;

    internal static IPAddress ParseBindAddress(string bindAddress)
    {
        if (string.Equals(bindAddress, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(bindAddress, out var ip)
            ? ip
            : throw new ArgumentException($"Dashboard bind address '{bindAddress}' is not an IP address (use e.g. 127.0.0.1 or 0.0.0.0).", nameof(bindAddress));
    }
}
