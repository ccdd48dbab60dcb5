using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Buquet.Host.Dashboard;

/// <summary>
/// <c>/workflows</c> and <c>/workflows/{id}</c>. Workflow states are not in the task cache: each view reads them from
/// the store (the list: one LIST of <c>workflow/</c> and a GET of the <see cref="MaxListed"/> most recently written
/// states; the page:
/// one GET, one LIST of its signals and a GET of at most <see cref="MaxSignalPayloads"/> signals).
/// </summary>
internal static partial class DashboardEndpoints
{
    /// <summary>Most workflow states the list reads per view (the most recently written, by the LIST's last-modified).</summary>
    public const int MaxListed = 200;

    /// <summary>Most signal payloads a workflow page reads.</summary>
    public const int MaxSignalPayloads = 20;

    private static void MapWorkflows(IEndpointRouteBuilder app, DashboardRuntime rt)
    {
        app.MapGet("/workflows", async (HttpContext ctx) =>
        {
            var workflows = new WorkflowClient(rt.Client);
            var states = await StateObjectsAsync(rt.Client.Repository.Store, ctx.RequestAborted).ConfigureAwait(false);
            var newest = states.OrderByDescending(o => o.LastModified).Take(MaxListed).ToList();
            var rows = new WorkflowRow[newest.Count];
            await Parallel.ForAsync(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ctx.RequestAborted }, async (i, ct) =>
            {
                var id = newest[i].Key[WorkflowKeys.Prefix.Length..^StateSuffix.Length];
                try
                {
                    rows[i] = new WorkflowRow(id, await workflows.GetAsync(id, ct).ConfigureAwait(false), null);
                }
                catch (MalformedObjectException e)
                {
                    rows[i] = new WorkflowRow(id, null, e.Message);
                }
            }).ConfigureAwait(false);
            return Page(ctx, rt, "Workflows", "<h2>Workflows</h2>" + DashboardViews.Workflows(rows, states.Count));
        });

        app.MapGet("/workflows/{id}", async (HttpContext ctx, string id) =>
        {
            try
            {
                WorkflowKeys.ValidateWorkflowId(id);
            }
            catch (ArgumentException e)
            {
                return Error(ctx, rt, StatusCodes.Status400BadRequest, e.Message);
            }

            WorkflowState? state;
            try
            {
                state = await new WorkflowClient(rt.Client).GetAsync(id, ctx.RequestAborted).ConfigureAwait(false);
            }
            catch (MalformedObjectException e)
            {
                return Error(ctx, rt, StatusCodes.Status500InternalServerError, e.Message);
            }

            if (state is null)
            {
                return Error(ctx, rt, StatusCodes.Status404NotFound, $"No workflow {id}.");
            }

            var signals = await SignalsAsync(rt.Client.Repository.Store, id, ctx.RequestAborted).ConfigureAwait(false);
            var definition = SampleWorkflows.All().FirstOrDefault(d => d.Name == state.Type && d.DefinitionHash == state.DefinitionHash);
            return Page(ctx, rt, "Workflows", DashboardViews.Workflow(state, definition, signals));
        });
    }

    private const string StateSuffix = "/state.json";

    /// <summary>The <c>workflow/{id}/state.json</c> objects (one LIST of <c>workflow/</c>, paged).</summary>
    private static async Task<List<ObjectInfo>> StateObjectsAsync(IObjectStore store, CancellationToken ct)
    {
        var states = new List<ObjectInfo>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(new ListRequest(WorkflowKeys.Prefix, ContinuationToken: token), ct).ConfigureAwait(false);
            states.AddRange(page.Objects.Where(o => o.Key.EndsWith(StateSuffix, StringComparison.Ordinal)
                && o.Key.IndexOf('/', WorkflowKeys.Prefix.Length) == o.Key.Length - StateSuffix.Length));
            token = page.NextContinuationToken;
        }
        while (token is not null);
        return states;
    }

    /// <summary>The workflow's signal objects in key order, the first <see cref="MaxSignalPayloads"/> with their payload.</summary>
    private static async Task<List<SignalRow>> SignalsAsync(IObjectStore store, string workflowId, CancellationToken ct)
    {
        var prefix = WorkflowKeys.Prefix + workflowId + "/signals/";
        var rows = new List<SignalRow>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(new ListRequest(prefix, ContinuationToken: token), ct).ConfigureAwait(false);
            foreach (var o in page.Objects)
            {
                var rest = o.Key[prefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0)
                {
                    rows.Add(new SignalRow(rest[..slash], rest[(slash + 1)..], null, false));
                }
            }

            token = page.NextContinuationToken;
        }
        while (token is not null);

        for (var i = 0; i < Math.Min(rows.Count, MaxSignalPayloads); i++)
        {
            var key = prefix + rows[i].Name + "/" + rows[i].Suffix;
            var o = await store.GetAsync(key, ct).ConfigureAwait(false);
            string? payload;
            try
            {
                payload = o is null ? null : WorkflowJson.ParseSignalPayload(o.Body, key)?.GetRawText();
            }
            catch (MalformedObjectException e)
            {
                payload = e.Message;
            }

            rows[i] = rows[i] with { Payload = payload, Read = o is not null };
        }

        return rows;
    }
}

/// <summary>One row of the workflow list: the state, or why it could not be read.</summary>
internal sealed record WorkflowRow(string Id, WorkflowState? State, string? Problem);

/// <summary>One signal object: its name, key suffix (<c>{ts}_{uuid}.json</c>) and payload (when read).</summary>
internal sealed record SignalRow(string Name, string Suffix, string? Payload, bool Read);
