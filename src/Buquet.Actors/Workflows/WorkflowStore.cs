using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Workflows;

/// <summary>
/// The workflow objects in the bucket: state reads, CAS updates that re-read and re-apply on a conflict, step
/// results, signals (INTERNAL API; used by the worker and <see cref="WorkflowClient"/>).
/// </summary>
internal sealed class WorkflowStore(IObjectStore store, IStoreClock clock)
{
    /// <summary>How many conflicts one update re-reads before giving up (the caller's task is then retried).</summary>
    public const int MaxConflicts = 64;

    public IObjectStore Objects => store;

    public IStoreClock Clock => clock;

    /// <summary>The store clock's now as a workflow timestamp (chrono's <c>to_rfc3339</c> form, <c>+00:00</c>, as buquet's Python writes).</summary>
    public async Task<(DateTimeOffset Now, string Text)> NowAsync(CancellationToken cancellationToken)
    {
        var now = await clock.NowAsync(cancellationToken).ConfigureAwait(false);
        return (now, Format(now));
    }

    public static string Format(DateTimeOffset now) => Rfc3339.Format(now)[..^1] + "+00:00";

    public async Task<(WorkflowState State, string ETag)?> GetAsync(string workflowId, CancellationToken cancellationToken)
    {
        var key = WorkflowKeys.State(workflowId);
        var o = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return o is null ? null : (WorkflowJson.Parse(o.Body, key), o.ETag);
    }

    /// <summary>Creates the state; false when the workflow already exists.</summary>
    public async Task<bool> CreateAsync(WorkflowState state, CancellationToken cancellationToken)
    {
        var put = await store.PutAsync(WorkflowKeys.State(state.Id), Body(state), PutCondition.IfNoneMatch, cancellationToken).ConfigureAwait(false);
        return put.Succeeded;
    }

    /// <summary>Writes <paramref name="state"/> if the stored one still has <paramref name="etag"/>.</summary>
    public async Task<bool> TryReplaceAsync(WorkflowState state, string etag, CancellationToken cancellationToken)
    {
        var put = await store.PutAsync(WorkflowKeys.State(state.Id), Body(state), PutCondition.IfMatch(etag), cancellationToken).ConfigureAwait(false);
        return put.Succeeded;
    }

    /// <summary>
    /// The state's body with a fresh write token: two writers of the same logical state (same store-clock instant)
    /// never write the same bytes, so never the same ETag, and a stale If-Match can never succeed on an equal copy.
    /// </summary>
    internal static byte[] Body(WorkflowState state) => WorkflowJson.Serialize(state, Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Applies <paramref name="change"/> (null: nothing to write) to the current state with a CAS; a conflict re-reads
    /// and applies again. Returns the state as written (or as read when unchanged), null when the workflow is missing.
    /// </summary>
    public async Task<WorkflowState?> UpdateAsync(string workflowId, Func<WorkflowState, string, WorkflowState?> change, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxConflicts; i++)
        {
            if (await GetAsync(workflowId, cancellationToken).ConfigureAwait(false) is not var (state, etag))
            {
                return null;
            }

            var (_, now) = await NowAsync(cancellationToken).ConfigureAwait(false);
            if (change(state, now) is not { } next)
            {
                return state;
            }

            next = next with { UpdatedAt = now };
            if (await TryReplaceAsync(next, etag, cancellationToken).ConfigureAwait(false))
            {
                return next;
            }
        }

        throw new ObjectStoreUnavailableException($"Workflow {workflowId}: state kept changing under {MaxConflicts} updates.");
    }

    /// <summary><c>steps/{name}.json</c>, create-only (a second write of the same step is ignored, as buquet does).</summary>
    public async Task PutStepResultAsync(string workflowId, string step, JsonElement? result, CancellationToken cancellationToken) =>
        await store.PutAsync(WorkflowKeys.StepResult(workflowId, step), new JsonOut().Element(result).ToUtf8(), PutCondition.IfNoneMatch, cancellationToken).ConfigureAwait(false);

    /// <summary>Sends a signal: <c>signals/{name}/{ts}_{uuid}.json</c> (unconditional; the uuid makes the key unique).</summary>
    public async Task<string> SendSignalAsync(string workflowId, string name, JsonElement? payload, CancellationToken cancellationToken)
    {
        var (_, ts) = await NowAsync(cancellationToken).ConfigureAwait(false);
        var id = Guid.NewGuid();
        var key = WorkflowKeys.Signal(workflowId, name, ts, id);
        await store.PutAsync(key, WorkflowJson.SerializeSignal(id, name, payload, ts), PutCondition.None, cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>
    /// The first signal after <paramref name="cursor"/> (a key suffix incl. <c>.json</c>), in timestamp order whatever
    /// format the writers used (RFC 3339 with <c>Z</c> or <c>+00:00</c>, any precision): keys are parsed, not compared
    /// as text. Null when none.
    /// </summary>
    public async Task<(string Suffix, JsonElement? Payload)?> NextSignalAsync(string workflowId, string name, string? cursor, CancellationToken cancellationToken)
    {
        var prefix = WorkflowKeys.SignalPrefix(workflowId, name);
        var entries = new List<(SignalOrder Order, string Suffix)>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(new ListRequest(prefix, ContinuationToken: token), cancellationToken).ConfigureAwait(false);
            foreach (var o in page.Objects)
            {
                var suffix = o.Key[prefix.Length..];
                if (SignalOrder.TryParse(suffix, out var order))
                {
                    entries.Add((order, suffix));
                }
            }

            token = page.NextContinuationToken;
        }
        while (token is not null);

        SignalOrder? after = cursor is not null && SignalOrder.TryParse(cursor, out var c) ? c : null;
        foreach (var (order, suffix) in entries.OrderBy(e => e.Order))
        {
            if (after is { } a && order.CompareTo(a) <= 0)
            {
                continue;
            }

            var o = await store.GetAsync(prefix + suffix, cancellationToken).ConfigureAwait(false);
            if (o is not null)
            {
                return (suffix, WorkflowJson.ParseSignalPayload(o.Body, o.Key));
            }
        }

        return null;
    }
}

/// <summary>A signal key's order: its parsed timestamp, then its id (so the text format of the timestamp does not matter).</summary>
internal readonly record struct SignalOrder(DateTimeOffset At, string Id) : IComparable<SignalOrder>
{
    public static bool TryParse(string suffix, out SignalOrder order)
    {
        order = default;
        var end = suffix.EndsWith(".json", StringComparison.Ordinal) ? suffix.Length - 5 : suffix.Length;
        var sep = suffix.LastIndexOf('_', end - 1);
        if (sep <= 0 || !Rfc3339.TryParse(suffix[..sep], out var at))
        {
            return false;
        }

        order = new SignalOrder(at.ToUniversalTime(), suffix[(sep + 1)..end]);
        return true;
    }

    public int CompareTo(SignalOrder other)
    {
        var c = At.CompareTo(other.At);
        return c != 0 ? c : string.CompareOrdinal(Id, other.Id);
    }
}
