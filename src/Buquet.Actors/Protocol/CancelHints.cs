using System.Text;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Protocol;

/// <summary>
/// Per-shard cancel hints (ADR 0017): <c>hints/cancel/{shard}</c>, outside every prefix buquet peers list or parse
/// (beside <see cref="WakeHints.Key"/>). Whoever requests cancellation of a running task (T9) overwrites its shard's hint
/// with a unique body after the CAS, so the ETag changes; each worker HEADs the hints of the shards it runs tasks in
/// once per <c>worker.cancel-check-interval</c> and re-reads its running tasks of a shard whose hint moved. The hint is an
/// accelerator only: a request written without a touch (a buquet peer) is still seen at the next lease renewal.
/// </summary>
internal static class CancelHints
{
    /// <summary>The prefix of every cancel hint.</summary>
    public const string Prefix = "hints/cancel/";

    /// <summary>The hint object of <paramref name="shard"/>.</summary>
    public static string Key(string shard) => Prefix + shard;

    /// <summary>
    /// Touches the hint of <paramref name="shard"/> (an unconditional PUT of a fresh token). Never throws for a store
    /// failure: the request is already written and is noticed at the next lease renewal without the hint.
    /// </summary>
    /// <returns>Whether the touch was written.</returns>
    public static async Task<bool> TouchAsync(IObjectStore store, string shard, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            var body = Encoding.UTF8.GetBytes(Guid.NewGuid().ToString("N"));
            await store.PutAsync(Key(shard), body, PutCondition.None, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ObjectStoreUnavailableException ex)
        {
            logger.LogWarning(ex, "Touching the cancel hint {Key} failed; the worker notices the request at its next lease renewal", Key(shard));
            return false;
        }
    }
}
