using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Buquet.Actors.Scheduling;

namespace Buquet.Host.Dashboard;

/// <summary>
/// <c>GET /events?p=/partials/…</c>: server-sent events carrying re-rendered page fragments. Each stream renders from
/// the shared cache snapshot and wakes on <see cref="DashboardCache.Changes"/>, so connected browsers never cause a
/// store request: the one background refresh loop is the only reader of the bucket, whatever the number of clients.
/// A fragment is sent only when its HTML differs from the last one sent on that stream.
/// </summary>
internal static partial class DashboardEndpoints
{
    /// <summary>Most fragments one stream may subscribe to.</summary>
    internal const int MaxLiveViews = 4;

    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private static void MapLive(IEndpointRouteBuilder app, DashboardRuntime rt)
    {
        app.MapGet("/events", (RequestDelegate)(ctx => StreamAsync(ctx, rt)));
    }

    /// <summary>Renders the fragment a <c>/partials/…</c> URL returns, from the cache; <c>null</c> for an unknown path.</summary>
    /// <exception cref="ArgumentException">A task filter value in the URL is invalid (the message names it).</exception>
    internal static string? RenderPartial(DashboardRuntime rt, string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? url : url[..q];
        var snap = rt.Cache.Snapshot;
        return path switch
        {
            "/partials/overview" => DashboardViews.Overview(snap, rt.WorkerHealthThreshold),
            "/partials/workers" => DashboardViews.Workers(snap, rt.WorkerHealthThreshold),
            "/partials/schedules" => DashboardViews.Schedules(snap, rt.DefaultTimeZone),
            "/partials/tasks" => DashboardViews.TaskTable(snap, TaskFilter.Parse(new QueryCollection(QueryHelpers.ParseQuery(q < 0 ? string.Empty : url[q..])))),
            _ => null,
        };
    }

    private static async Task StreamAsync(HttpContext ctx, DashboardRuntime rt)
    {
        var views = ctx.Request.Query["p"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct(StringComparer.Ordinal).ToArray();
        if (views.Length is 0 or > MaxLiveViews)
        {
            await RefuseAsync(ctx, $"give 1 to {MaxLiveViews} fragments as p=/partials/… (got {views.Length}).").ConfigureAwait(false);
            return;
        }

        foreach (var view in views)
        {
            string? probe;
            try
            {
                probe = RenderPartial(rt, view);
            }
            catch (ArgumentException e)
            {
                await RefuseAsync(ctx, e.Message).ConfigureAwait(false);
                return;
            }

            if (probe is null)
            {
                await RefuseAsync(ctx, $"'{view}' is not a live fragment (/partials/overview, /partials/tasks?…, /partials/workers, /partials/schedules).").ConfigureAwait(false);
                return;
            }
        }

        var stopping = ctx.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        var ct = cts.Token;
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        ctx.Response.Headers["X-Accel-Buffering"] = "no";
        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var last = new string?[views.Length];
        rt.LiveStreamOpened();
        try
        {
            await WriteAsync(ctx, "retry: 3000\n\n", ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                var seen = rt.Cache.Changes.Version;
                var sb = new StringBuilder();
                for (var i = 0; i < views.Length; i++)
                {
                    var html = RenderPartial(rt, views[i]);
                    if (html is not null && !string.Equals(html, last[i], StringComparison.Ordinal))
                    {
                        last[i] = html;
                        AppendEvent(sb, "fragment", html);
                    }
                }

                if (sb.Length > 0)
                {
                    await WriteAsync(ctx, sb.ToString(), ct).ConfigureAwait(false);
                }

                try
                {
                    await rt.Cache.Changes.WhenChangedFrom(seen).WaitAsync(Heartbeat, rt.Time, ct).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    await WriteAsync(ctx, ": keep-alive\n\n", ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            rt.LiveStreamClosed();
        }
    }

    private static void AppendEvent(StringBuilder sb, string name, string data)
    {
        sb.Append("event: ").Append(name).Append('\n');
        foreach (var line in data.Split('\n'))
        {
            sb.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        }

        sb.Append('\n');
    }

    private static async Task WriteAsync(HttpContext ctx, string text, CancellationToken ct)
    {
        await ctx.Response.WriteAsync(text, ct).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    private static async Task RefuseAsync(HttpContext ctx, string message)
    {
        ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.WriteAsync("400 Bad Request: " + message, ctx.RequestAborted).ConfigureAwait(false);
    }
}
