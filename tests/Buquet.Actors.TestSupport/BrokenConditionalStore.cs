using Buquet.Actors.Storage;

namespace Buquet.Actors.TestSupport;

/// <summary>
/// A store that ignores every precondition (conditional PUTs and DELETEs go through unconditionally), like the npm S3
/// emulators or a non-conforming S3 clone: the negative control of the conformance suite and of the readiness checks.
/// </summary>
/// <param name="inner">The store the unconditional requests go to.</param>
public sealed class BrokenConditionalStore(IObjectStore inner) : DelegatingObjectStore(inner)
{
    /// <inheritdoc />
    public override Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) =>
        Inner.PutAsync(key, body, PutCondition.None, cancellationToken);

    /// <inheritdoc />
    public override Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) =>
        Inner.DeleteAsync(key, null, cancellationToken);
}
