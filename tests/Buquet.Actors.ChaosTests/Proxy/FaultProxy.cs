using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.ChaosTests.Proxy;

/// <summary>
/// An HTTP reverse proxy on 127.0.0.1 (Kestrel) in front of a loopback S3 server, injecting the faults its
/// <see cref="FaultDecider"/> chooses. Requests are forwarded byte for byte: method, raw path and query, headers and
/// body; the <c>Host</c> header is kept as the client sent it (the client signs SigV4 for the proxy's address and the
/// proxy rewrites nothing a signature covers). Responses come back with status, headers and body. Only loopback:
/// the listener binds 127.0.0.1 and every upstream connection is checked to be loopback before it is opened.
/// </summary>
public sealed partial class FaultProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly string _upstreamBase;
    private readonly TimeProvider _time;
    private readonly ConcurrentBag<IPEndPoint> _upstreamEndpoints = [];
    private readonly ConcurrentBag<IPEndPoint> _clientEndpoints = [];
    private long _forwarded;
    private long _received;
    private long _upstreamFailures;

    private FaultProxy(WebApplication app, Uri upstreamUri, FaultDecider faults, TimeProvider time)
    {
        _app = app;
        _upstream = NewUpstreamClient(_upstreamEndpoints);
        _upstreamBase = upstreamUri.GetLeftPart(UriPartial.Authority);
        Faults = faults;
        _time = time;
        Upstream = upstreamUri;
    }

    /// <summary>The proxy's address, e.g. <c>http://127.0.0.1:41234</c>: point the S3 client here.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The S3 server requests are forwarded to.</summary>
    public Uri Upstream { get; }

    /// <summary>The fault schedule, plan and counts.</summary>
    public FaultDecider Faults { get; }

    /// <summary>Longest a <see cref="FaultKind.DropResponse"/> is held when the client never gives up. <value>The default is 2 minutes.</value></summary>
    public TimeSpan MaxDropHold { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Negative control: forward PUTs and DELETEs without If-Match / If-None-Match, emulating the S3 servers that silently
    /// ignore conditional writes (s3rver, fauxqs). A store must refuse to start behind such a proxy.
    /// </summary>
    public bool StripConditionalHeaders { get; set; }

    /// <summary>Requests received from clients.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Requests forwarded upstream (a dropped response counts: it was forwarded).</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Requests that could not reach the upstream server (answered 502).</summary>
    public long UpstreamFailures => Interlocked.Read(ref _upstreamFailures);

    /// <summary>Every remote endpoint the proxy opened a connection to.</summary>
    public IReadOnlyCollection<IPEndPoint> UpstreamEndpoints => [.. _upstreamEndpoints];

    /// <summary>Every client endpoint that sent a request.</summary>
    public IReadOnlyCollection<IPEndPoint> ClientEndpoints => [.. _clientEndpoints];

    /// <summary>Raised when a fault is applied to a request (before any hold), on the request's thread.</summary>
    public event Action<FaultKind, RequestShape>? FaultApplied;

    /// <summary>Starts a proxy on a free loopback port in front of <paramref name="upstream"/> (which must be a loopback http URL).</summary>
    public static async Task<FaultProxy> StartAsync(Uri upstream, FaultDecider faults, TimeProvider? time = null, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(faults);
        RequireLoopback(upstream);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        var proxy = new FaultProxy(app, upstream, faults, time ?? TimeProvider.System);
        app.Run(proxy.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var boundUri = new Uri(bound);
        proxy.Address = new Uri($"http://127.0.0.1:{boundUri.Port}");
        return proxy;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> unless <paramref name="uri"/> is http on a literal loopback host.</summary>
    public static void RequireLoopback(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var loopback = uri.IsAbsoluteUri && uri.Scheme == "http"
            && (uri.Host == "localhost" || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
        if (!loopback)
        {
            throw new ArgumentException($"Upstream '{uri}' is not an http URL on a loopback address: the fault proxy talks to loopback only.", nameof(uri));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _upstream.Dispose();
    }
}
