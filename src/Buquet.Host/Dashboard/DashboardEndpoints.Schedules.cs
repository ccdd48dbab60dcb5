using Buquet.Actors.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Buquet.Host.Dashboard;

/// <summary>The "trigger schedule" action: a confirmation page, then an anti-forgery-checked POST that submits one run.</summary>
internal static partial class DashboardEndpoints
{
    private static void MapScheduleActions(IEndpointRouteBuilder app, DashboardRuntime rt)
    {
        app.MapGet("/schedules/{id}/trigger", async (HttpContext ctx, string id) =>
        {
            ScheduleDetails? details;
            try
            {
                details = await rt.Client.Schedules.GetAsync(id, 1, null, ctx.RequestAborted).ConfigureAwait(false);
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
            return Page(ctx, rt, "Confirm", DashboardViews.ConfirmTrigger(details.Schedule, tokens.FormFieldName, tokens.RequestToken!));
        });

        app.MapPost("/schedules/{id}/trigger", async (HttpContext ctx, string id) =>
        {
            if (await RefuseForgeryAsync(ctx).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            try
            {
                var task = await rt.Client.Schedules.TriggerAsync(id, ctx.RequestAborted).ConfigureAwait(false);
                rt.Cache.Upsert(task);
                return Results.Redirect($"/schedules?triggered={task.Id:D}&schedule={Uri.EscapeDataString(id)}");
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
}
