using System.Collections.Concurrent;
using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;

namespace Buquet.Actors.Tests.Workflows;

/// <summary>Passes everything through and counts GETs by the key's first segment (<c>tasks</c>, <c>workflow</c>, ...).</summary>
internal sealed class GetCountingStore(IObjectStore inner) : DelegatingObjectStore(inner)
{
    private readonly ConcurrentDictionary<string, long> _gets = new(StringComparer.Ordinal);

    /// <summary>GETs of keys under <paramref name="root"/> (the first segment, without the slash) so far.</summary>
    public long Gets(string root) => _gets.GetValueOrDefault(root);

    public override Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        _gets.AddOrUpdate(key.Split('/')[0], 1, (_, n) => n + 1);
        return Inner.GetAsync(key, cancellationToken);
    }
}
