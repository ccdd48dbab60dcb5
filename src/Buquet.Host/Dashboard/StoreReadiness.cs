using System.Text;
using Buquet.Actors.Storage;

namespace Buquet.Host.Dashboard;

/// <summary>
/// The store conformance probe behind <c>/readyz</c>: a create-only put succeeds once and is refused the second time,
/// a compare-and-swap with the current ETag lands and one with the stale ETag is refused. Works on every
/// <see cref="IObjectStore"/> (S3 stores were already probed by <c>S3ObjectStore.CreateAsync</c>; this re-checks the
/// bucket as the dashboard sees it). Costs five requests, once.
/// </summary>
internal sealed class StoreReadiness(IObjectStore store)
{
    private volatile string? _problem = "The store conformance probe has not run yet.";

    public bool IsReady => _problem is null;

    public string? Problem => _problem;

    public async Task<bool> ProbeAsync(Guid probeId, CancellationToken cancellationToken = default)
    {
        var key = $".buquet-probe/{probeId:D}";
        try
        {
            var body = Encoding.UTF8.GetBytes("probe");
            var first = await store.PutAsync(key, body, PutCondition.IfNoneMatch, cancellationToken).ConfigureAwait(false);
            var second = await store.PutAsync(key, body, PutCondition.IfNoneMatch, cancellationToken).ConfigureAwait(false);
            if (!first.Succeeded || second.Succeeded)
            {
                return Fail($"create-only put is not enforced on '{key}' (first: {first.Status}, second: {second.Status})");
            }

            var swap = await store.PutAsync(key, Encoding.UTF8.GetBytes("probe-2"), PutCondition.IfMatch(first.ETag!), cancellationToken).ConfigureAwait(false);
            var stale = await store.PutAsync(key, Encoding.UTF8.GetBytes("probe-3"), PutCondition.IfMatch(first.ETag!), cancellationToken).ConfigureAwait(false);
            await store.DeleteAsync(key, null, cancellationToken).ConfigureAwait(false);
            if (!swap.Succeeded || stale.Succeeded)
            {
                return Fail($"If-Match is not enforced on '{key}' (current ETag: {swap.Status}, stale ETag: {stale.Status})");
            }

            _problem = null;
            return true;
        }
        catch (ObjectStoreUnavailableException e)
        {
            return Fail("the store is unavailable: " + e.Message);
        }
    }

    private bool Fail(string problem)
    {
        _problem = problem;
        return false;
    }
}
