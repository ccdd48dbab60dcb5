using System.Globalization;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Buquet.Host.Dashboard;

/// <summary>
/// "Retry all failed": a confirmation page, then an anti-forgery-checked POST that replays (<see cref="BuquetClient.ReplayAsync"/>,
/// as <c>buquet replay</c>) at most <see cref="RetryFailedBatch"/> failed tasks, oldest failure first, optionally of one type.
/// </summary>
internal static partial class DashboardEndpoints
{
    /// <summary>The most failed tasks one click replays; the rest stay failed for the next click.</summary>
    public const int RetryFailedBatch = 100;

    private const int RetryParallelism = 8;

    private static void MapRetryFailed(IEndpointRouteBuilder app, DashboardRuntime rt)
    {
        app.MapGet("/tasks/retry-failed", (HttpContext ctx, string? type) =>
        {
            var failed = FailedTasks(rt.Cache.Snapshot, type);
            var tokens = Antiforgery(ctx).GetAndStoreTokens(ctx);
            return Page(ctx, rt, "Confirm", DashboardViews.ConfirmRetryFailed(failed.Count, Math.Min(failed.Count, RetryFailedBatch), type, tokens.FormFieldName, tokens.RequestToken!));
        });

        app.MapPost("/tasks/retry-failed", async (HttpContext ctx) =>
        {
            if (await RefuseForgeryAsync(ctx).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false);
            var type = form["type"].ToString() is { Length: > 0 } t ? t : null;
            var batch = FailedTasks(rt.Cache.Snapshot, type).Take(RetryFailedBatch).ToList();
            var retried = 0;
            var notRetried = 0;
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = RetryParallelism, CancellationToken = ctx.RequestAborted }, async (task, ct) =>
            {
                var result = await rt.Client.ReplayAsync(task.Id, ct).ConfigureAwait(false);
                if (result.Task is not null)
                {
                    rt.Cache.Upsert(result.Task);
                }

                Interlocked.Increment(ref result.Succeeded ? ref retried : ref notRetried);
            }).ConfigureAwait(false);

            var left = FailedTasks(rt.Cache.Snapshot, type).Count;
            var query = string.Create(CultureInfo.InvariantCulture, $"retried={retried}&refused={notRetried}&left={left}")
                + (type is null ? string.Empty : "&type=" + Uri.EscapeDataString(type));
            return Results.Redirect("/tasks?" + query);
        });
    }

    /// <summary>Failed tasks in the cache (of <paramref name="type"/> when given), oldest failure first.</summary>
    private static List<TaskRecord> FailedTasks(DashboardSnapshot snap, string? type) =>
        snap.Tasks.Where(t => t.Status == BuquetTaskStatus.Failed && (type is null || t.TaskType == type))
            .OrderBy(t => t.UpdatedAt).ThenBy(t => t.Id).ToList();
}
