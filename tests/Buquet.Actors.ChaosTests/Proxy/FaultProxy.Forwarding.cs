using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Buquet.Actors.ChaosTests.Proxy;

/// <summary>Request handling: decide, inject, forward, copy back.</summary>
public sealed partial class FaultProxy
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection",
        "Proxy-Authenticate", "Proxy-Authorization", "Expect", "Host", "Content-Length",
    };

    private async Task HandleAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _received);
        if (ctx.Connection.RemoteIpAddress is { } remote)
        {
            _clientEndpoints.Add(new IPEndPoint(remote, ctx.Connection.RemotePort));
        }

        var ct = ctx.RequestAborted;
        var request = ctx.Request;
        var target = ctx.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var shape = new RequestShape(request.Method, target,
            HttpMethods.IsPut(request.Method) && (request.Headers.ContainsKey("If-Match") || request.Headers.ContainsKey("If-None-Match")));
        var body = await ReadBodyAsync(request, ct).ConfigureAwait(false);
        var decision = Faults.Decide(shape);
        if (decision.Latency > TimeSpan.Zero)
        {
            // The timer is armed before the fault is announced, so a test may advance a fake clock on the announcement.
            var latency = HoldAsync(decision.DecidedAt + decision.Latency, ct);
            FaultApplied?.Invoke(FaultKind.Latency, shape);
            await latency.ConfigureAwait(false);
        }

        if (decision.Kind == FaultKind.Blackhole)
        {
            var hold = HoldAsync(decision.HoldUntil, ct);
            FaultApplied?.Invoke(FaultKind.Blackhole, shape);
            await hold.ConfigureAwait(false);
            ctx.Abort();
            return;
        }

        if (decision.Kind is { } kind)
        {
            FaultApplied?.Invoke(kind, shape);
        }

        switch (decision.Kind)
        {
            case FaultKind.SlowDown:
                await WriteErrorAsync(ctx, 503, "SlowDown", "Please reduce your request rate.").ConfigureAwait(false);
                return;
            case FaultKind.Conflict:
                await WriteErrorAsync(ctx, 409, "ConditionalRequestConflict", "A conflicting conditional operation is currently in progress against this resource. Try again.").ConfigureAwait(false);
                return;
            case FaultKind.InternalError:
                await WriteErrorAsync(ctx, 500, "InternalError", "We encountered an internal error. Please try again.").ConfigureAwait(false);
                return;
        }

        using var upstreamRequest = BuildUpstreamRequest(request, target, body);
        HttpResponseMessage response;
        try
        {
            response = await _upstream.SendAsync(upstreamRequest, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            // The S3 server is down or restarting: answer as a gateway would; the client retries a 5xx.
            Interlocked.Increment(ref _upstreamFailures);
            await WriteErrorAsync(ctx, 502, "BadGateway", "Upstream S3 server unreachable: " + e.Message).ConfigureAwait(false);
            return;
        }

        using var _ = response;
        Interlocked.Increment(ref _forwarded);
        if (decision.Kind == FaultKind.DropResponse)
        {
            try
            {
                await HoldAsync(_time.GetUtcNow() + MaxDropHold, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client gave up: that is the point.
            }

            ctx.Abort();
            return;
        }

        if (decision.Kind == FaultKind.ResetAfterForward)
        {
            ctx.Abort();
            return;
        }

        await CopyResponseAsync(ctx, response, ct).ConfigureAwait(false);
    }

    private Task HoldAsync(DateTimeOffset until, CancellationToken ct)
    {
        var wait = until - _time.GetUtcNow();
        return wait > TimeSpan.Zero ? Task.Delay(wait, _time, ct) : Task.CompletedTask;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private HttpRequestMessage BuildUpstreamRequest(HttpRequest request, string target, byte[] body)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_upstreamBase + target))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var sendsBody = body.Length > 0 || request.ContentLength is not null || HttpMethods.IsPut(request.Method) || HttpMethods.IsPost(request.Method);
        if (sendsBody)
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var header in request.Headers)
        {
            if (HopByHop.Contains(header.Key))
            {
                continue;
            }

            if (StripConditionalHeaders && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
                && (header.Key.Equals("If-Match", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("If-None-Match", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value) && message.Content is not null)
            {
                message.Content.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
            }
        }

        // The client signed for the proxy's host:port; keep that Host so the signature still verifies upstream.
        message.Headers.Host = request.Host.Value;
        return message;
    }

    private static async Task CopyResponseAsync(HttpContext ctx, HttpResponseMessage response, CancellationToken ct)
    {
        ctx.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            ctx.Response.Headers[header.Key] = header.Value.ToArray();
        }

        if (!HttpMethods.IsHead(ctx.Request.Method) && (int)response.StatusCode is not (204 or 304))
        {
            await response.Content.CopyToAsync(ctx.Response.Body, ct).ConfigureAwait(false);
        }
    }

    private static async Task WriteErrorAsync(HttpContext ctx, int status, string code, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/xml";
        ctx.Response.Headers["x-amz-request-id"] = "faultproxy";
        if (HttpMethods.IsHead(ctx.Request.Method))
        {
            return;
        }

        var xml = $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><Resource>{WebUtility.HtmlEncode(ctx.Request.Path.Value)}</Resource><RequestId>faultproxy</RequestId></Error>";
        var bytes = Encoding.UTF8.GetBytes(xml);
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes).ConfigureAwait(false);
    }

    /// <summary>An upstream client that opens connections to loopback addresses only and records each endpoint.</summary>
    private static HttpClient NewUpstreamClient(ConcurrentBag<IPEndPoint> endpoints)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = async (context, ct) =>
            {
                var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct).ConfigureAwait(false);
                if (addresses.Length == 0 || !addresses.All(IPAddress.IsLoopback))
                {
                    throw new InvalidOperationException($"Refusing to connect to '{context.DnsEndPoint.Host}': not loopback ({string.Join(", ", addresses.Select(a => a.ToString()))}).");
                }

                var endpoint = new IPEndPoint(addresses[0], context.DnsEndPoint.Port);
                var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
                    endpoints.Add((IPEndPoint)socket.RemoteEndPoint!);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
