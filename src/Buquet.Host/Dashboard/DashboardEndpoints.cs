using Buquet.Actors.Client;
using Buquet.Actors.Scheduling;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Buquet.Host.Dashboard;

/// <summary>Routes of the dashboard. Reads render from the cache; actions are anti-forgery-checked POSTs.</summary>
internal static partial class DashboardEndpoints
{
    private const string HtmlType = "text/html; charset=utf-8";

    public static async Task SecurityHeadersAsync(HttpContext context, RequestDelegate next)
    {
        var h = context.Response.Headers;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";
        h["Referrer-Policy"] = "no-referrer";
        h.CacheControl = "no-store";
        await next(context).ConfigureAwait(false);
    }

    public static void Map(IEndpointRouteBuilder app, DashboardRuntime rt)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => rt.Readiness.IsReady
            ? Results.Text("ready")
            : Results.Text("not ready: " + rt.Readiness.Problem, statusCode: StatusCodes.Status503ServiceUnavailable));
        BuquetPrometheus.Map(app, rt.Meters);
        app.MapGet("/static/{name}", (string name) => DashboardAssets.Find(name) is { } bytes
            ? Results.Bytes(bytes, "text/javascript; charset=utf-8")
            : Results.NotFound());

        app.MapGet("/", (HttpContext ctx) => Page(ctx, rt, "Overview", DashboardViews.Overview(rt.Cache.Snapshot, rt.WorkerHealthThreshold)));
        app.MapGet("/partials/overview", () => Fragment(DashboardViews.Overview(rt.Cache.Snapshot, rt.WorkerHealthThreshold)));
        app.MapGet("/tasks", (HttpContext ctx) => WithFilter(ctx, f =>
            Page(ctx, rt, "Tasks", "<h2>Tasks</h2>" + DashboardViews.RetriedNotice(ctx.Request.Query) + DashboardViews.TaskFilters(rt.Cache.Snapshot, f, rt.ShardPrefixLength) + DashboardViews.TaskTable(rt.Cache.Snapshot, f))));
        app.MapGet("/partials/tasks", (HttpContext ctx) => WithFilter(ctx, f => Fragment(DashboardViews.TaskTable(rt.Cache.Snapshot, f))));
        app.MapGet("/workers", (HttpContext ctx) => Page(ctx, rt, "Workers", "<h2>Workers</h2>" + DashboardViews.Workers(rt.Cache.Snapshot, rt.WorkerHealthThreshold)));
        app.MapGet("/partials/workers", () => Fragment(DashboardViews.Workers(rt.Cache.Snapshot, rt.WorkerHealthThreshold)));
        app.MapGet("/schedules", (HttpContext ctx, string? triggered, string? schedule, string? done) =>
            Page(ctx, rt, "Schedules", "<h2>Schedules</h2>" + DashboardViews.ScheduleNotice(triggered, schedule, done) + DashboardViews.Schedules(rt.Cache.Snapshot, rt.DefaultTimeZone)));
        app.MapGet("/partials/schedules", () => Fragment(DashboardViews.Schedules(rt.Cache.Snapshot, rt.DefaultTimeZone)));

        app.MapGet("/tasks/{id}", async (HttpContext ctx, string id, string? done, string? error) =>
        {
            if (!Guid.TryParseExact(id, "D", out var taskId))
            {
                return Error(ctx, rt, StatusCodes.Status400BadRequest, $"'{id}' is not a task id (a UUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301).");
            }

            var detail = await rt.Client.GetWithPayloadsAsync(taskId, ctx.RequestAborted).ConfigureAwait(false);
            if (detail is null)
            {
                return Error(ctx, rt, StatusCodes.Status404NotFound, $"No task {taskId:D}.");
            }

            rt.Cache.Upsert(detail.Task);
            var history = await rt.Client.HistoryAsync(taskId, 100, null, ctx.RequestAborted).ConfigureAwait(false);
            var schema = await SchemaViewAsync(rt, detail.Task.TaskType, ctx.RequestAborted).ConfigureAwait(false);
            return Page(ctx, rt, "Task", DashboardViews.TaskDetail(detail, history, done is null ? null : $"Done: {done}.", error, schema));
        });

        app.MapGet("/tasks/{id}/actions/{action}", async (HttpContext ctx, string id, string action) =>
        {
            if (!Guid.TryParseExact(id, "D", out var taskId) || !IsAction(action))
            {
                return Error(ctx, rt, StatusCodes.Status400BadRequest, $"Unknown task '{id}' or action '{action}' (cancel, replay, archive).");
            }

            var task = await rt.Client.GetAsync(taskId, ctx.RequestAborted).ConfigureAwait(false);
            if (task is null)
            {
                return Error(ctx, rt, StatusCodes.Status404NotFound, $"No task {taskId:D}.");
            }

            var tokens = Antiforgery(ctx).GetAndStoreTokens(ctx);
            return Page(ctx, rt, "Confirm", DashboardViews.Confirm(task, action, tokens.FormFieldName, tokens.RequestToken!));
        });

        app.MapPost("/tasks/{id}/actions/{action}", async (HttpContext ctx, string id, string action) =>
        {
            if (await RefuseForgeryAsync(ctx).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            if (!Guid.TryParseExact(id, "D", out var taskId) || !IsAction(action))
            {
                return Error(ctx, rt, StatusCodes.Status400BadRequest, $"Unknown task '{id}' or action '{action}' (cancel, replay, archive).");
            }

            var result = action switch
            {
                "cancel" => await rt.Client.CancelAsync(taskId, "cancelled from the dashboard", "dashboard", ctx.RequestAborted).ConfigureAwait(false),
                "replay" => await rt.Client.ReplayAsync(taskId, ctx.RequestAborted).ConfigureAwait(false),
                _ => await rt.Client.ArchiveAsync(taskId, ctx.RequestAborted).ConfigureAwait(false),
            };
            if (result.Task is not null)
            {
                rt.Cache.Upsert(result.Task);
            }

            var target = $"/tasks/{taskId:D}?" + (result.Succeeded
                ? "done=" + Uri.EscapeDataString($"{action} ({result.Status})")
                : "error=" + Uri.EscapeDataString($"{action} refused: {result.Status}. {result.Message}"));
            return Results.Redirect(target);
        });

        MapScheduleActions(app, rt);
        MapRetryFailed(app, rt);
        MapWorkflows(app, rt);
        MapLive(app, rt);
        MapLogin(app, rt);
    }

    private static void MapLogin(IEndpointRouteBuilder app, DashboardRuntime rt)
    {
        app.MapGet("/login", (HttpContext ctx, string? @return, string? failed) =>
        {
            var tokens = Antiforgery(ctx).GetAndStoreTokens(ctx);
            return Page(ctx, rt, "Sign in", DashboardViews.Login(DashboardAuth.SafeReturn(@return), tokens.FormFieldName, tokens.RequestToken!, failed is not null));
        });

        app.MapPost("/login", async (HttpContext ctx) =>
        {
            if (await RefuseForgeryAsync(ctx).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false);
            var returnTo = DashboardAuth.SafeReturn(form["return"]);
            if (!rt.Auth.Required || !rt.Auth.TokenMatches(form["token"]))
            {
                return rt.Auth.Required ? Results.Redirect("/login?failed=1&return=" + Uri.EscapeDataString(returnTo)) : Results.Redirect(returnTo);
            }

            ctx.Response.Cookies.Append(DashboardAuth.CookieName, rt.Auth.SessionCookieValue, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = ctx.Request.IsHttps,
                Path = "/",
            });
            return Results.Redirect(returnTo);
        });

        app.MapGet("/logout", (HttpContext ctx) =>
        {
            ctx.Response.Cookies.Delete(DashboardAuth.CookieName);
            return Results.Redirect("/login");
        });
    }

    /// <summary>The task type's schema for the task page (one GET); an unreadable object is shown, not thrown.</summary>
    private static async Task<SchemaView> SchemaViewAsync(DashboardRuntime rt, string taskType, CancellationToken ct)
    {
        try
        {
            return new SchemaView(await rt.Client.Schemas.GetAsync(taskType, ct).ConfigureAwait(false), null);
        }
        catch (Buquet.Actors.Protocol.MalformedObjectException e)
        {
            return new SchemaView(null, e.Message);
        }
    }

    private static bool IsAction(string action) => action is "cancel" or "replay" or "archive";

    private static IAntiforgery Antiforgery(HttpContext ctx) => ctx.RequestServices.GetRequiredService<IAntiforgery>();

    private static async Task<IResult?> RefuseForgeryAsync(HttpContext ctx)
    {
        try
        {
            await Antiforgery(ctx).ValidateRequestAsync(ctx).ConfigureAwait(false);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Text("400 Bad Request: the anti-forgery token is missing or invalid; reload the page and try again.", statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static IResult WithFilter(HttpContext ctx, Func<TaskFilter, IResult> render)
    {
        TaskFilter filter;
        try
        {
            filter = TaskFilter.Parse(ctx.Request.Query);
        }
        catch (ArgumentException e)
        {
            return Results.Text("400 Bad Request: " + e.Message, statusCode: StatusCodes.Status400BadRequest);
        }

        return render(filter);
    }

    private static IResult Page(HttpContext ctx, DashboardRuntime rt, string title, string body) =>
        Results.Content(Html.Page(title, title, body, rt.Auth.Required && ctx.Request.Path != "/login"), HtmlType);

    private static IResult Fragment(string html) => Results.Content(html, HtmlType);

    private static IResult Error(HttpContext ctx, DashboardRuntime rt, int status, string message) =>
        Results.Content(Html.Page("Error", string.Empty, "<div class=\"error\">" + Html.E(message) + "</div>", rt.Auth.Required), HtmlType, statusCode: status);
}
