using Buquet.Actors.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Buquet.Host.Dashboard;

/// <summary>
/// Schedule actions (trigger, enable, disable, delete): a confirmation page, then an anti-forgery-checked POST through
/// <see cref="ScheduleClient"/>, as <c>buquet schedule trigger|enable|disable|delete</c> do.
/// </summary>
internal static partial class DashboardEndpoints
{
    private static void MapScheduleActions(IEndpointRouteBuilder app, DashboardRuntime rt)
    {
        app.MapGet("/schedules/{id}/{action}", async (HttpContext ctx, string id, string action) =>
        {
            if (!DashboardViews.ScheduleActions.Contains(action, StringComparer.Ordinal))
            {
                return UnknownScheduleAction(ctx, rt, action);
            }

            ScheduleDetails? details;
            try
            {
                details = await rt.Client.Schedules.GetAsync(id, 0, null, ctx.RequestAborted).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                return Error(ctx, rt, StatusCodes.Status400BadRequest, $"'{id}' is not a schedule id: {e.Message}");
            }

            if (details is null)
            {
                return Error(ctx, rt, StatusCodes.Status404NotFound, $"No schedule '{id}'.");
            }

            var tokens = Antiforgery(ctx).GetAndStoreTokens(ctx);
            return Page(ctx, rt, "Confirm", DashboardViews.ConfirmSchedule(details.Schedule, action, tokens.FormFieldName, tokens.RequestToken!));
        });

        app.MapPost("/schedules/{id}/{action}", async (HttpContext ctx, string id, string action) =>
        {
            if (await RefuseForgeryAsync(ctx).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            if (!DashboardViews.ScheduleActions.Contains(action, StringComparer.Ordinal))
            {
                return UnknownScheduleAction(ctx, rt, action);
            }

            try
            {
                var schedules = rt.Client.Schedules;
                var ct = ctx.RequestAborted;
                string done;
                switch (action)
                {
                    case "trigger":
                        var task = await schedules.TriggerAsync(id, ct).ConfigureAwait(false);
                        rt.Cache.Upsert(task);
                        return Results.Redirect($"/schedules?triggered={task.Id:D}&schedule={Uri.EscapeDataString(id)}");
                    case "enable":
                        rt.Cache.UpsertSchedule(await schedules.EnableAsync(id, ct).ConfigureAwait(false));
                        done = "enabled";
                        break;
                    case "disable":
                        rt.Cache.UpsertSchedule(await schedules.DisableAsync(id, ct).ConfigureAwait(false));
                        done = "disabled";
                        break;
                    default:
                        if (!await schedules.DeleteAsync(id, ct).ConfigureAwait(false))
                        {
                            return Error(ctx, rt, StatusCodes.Status404NotFound, $"No schedule '{id}'.");
                        }

                        rt.Cache.RemoveSchedule(id);
                        done = "deleted";
                        break;
                }

                return Results.Redirect($"/schedules?done={done}&schedule={Uri.EscapeDataString(id)}");
            }
            catch (ScheduleNotFoundException)
            {
                return Error(ctx, rt, StatusCodes.Status404NotFound, $"No schedule '{id}'.");
            }
            catch (ArgumentException e)
            {
                return Error(ctx, rt, StatusCodes.Status400BadRequest, $"'{id}' is not a schedule id: {e.Message}");
            }
        });
    }

    private static IResult UnknownScheduleAction(HttpContext ctx, DashboardRuntime rt, string action) =>
        Error(ctx, rt, StatusCodes.Status404NotFound, $"Unknown schedule action '{action}' ({string.Join(", ", DashboardViews.ScheduleActions)}).");
}
