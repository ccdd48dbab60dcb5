using System.Collections.Concurrent;
using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;

namespace Buquet.Actors.Tests.Worker.CancelWatches;

/// <summary>A store decorator counting HEADs and GETs per key, to tell one request family from the others.</summary>
internal sealed class PrefixCountingStore(IObjectStore inner) : DelegatingObjectStore(inner)
{
    private readonly ConcurrentDictionary<string, long> _heads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _gets = new(StringComparer.Ordinal);

    public long Heads(string prefix) => _heads.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(kv => kv.Value);

    public long Gets(string prefix) => _gets.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(kv => kv.Value);

    public void Reset()
    {
        _heads.Clear();
        _gets.Clear();
    }

    public override Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        _gets.AddOrUpdate(key, 1, (_, n) => n + 1);
        return Inner.GetAsync(key, cancellationToken);
    }

    public override Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        _heads.AddOrUpdate(key, 1, (_, n) => n + 1);
        return Inner.HeadAsync(key, cancellationToken);
    }

    /// <summary>The inner store's batch (deletions are not counted here).</summary>
    public override Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        Inner.DeleteManyAsync(keys, cancellationToken);
}
