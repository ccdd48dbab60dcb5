using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;

namespace Buquet.Actors.Tests.Scheduling;

/// <summary>Passes everything through, except that PUTs to keys starting with <see cref="FailPutsUnder"/> throw
/// <see cref="ObjectStoreUnavailableException"/> (an S3 outage for those writes), and LISTs under
/// <see cref="HangListsUnder"/> hang until their token is cancelled (a store that stopped answering).</summary>
internal sealed class FlakyObjectStore(IObjectStore inner) : DelegatingObjectStore(inner)
{
    public string? FailPutsUnder { get; set; }

    public string? HangListsUnder { get; set; }

    /// <summary>Every DELETE throws <see cref="ObjectStoreUnavailableException"/> while set.</summary>
    public bool FailDeletes { get; set; }

    /// <summary>Runs before each conditional PUT reaches the inner store (another writer acting in between).</summary>
    public Func<string, Task>? BeforeConditionalPut { get; set; }

    /// <summary>Runs before each DELETE reaches the inner store (another writer acting in between).</summary>
    public Func<string, Task>? BeforeDelete { get; set; }

    /// <summary>Completes when a LIST under <see cref="HangListsUnder"/> is hanging.</summary>
    public TaskCompletionSource ListHanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a hanging LIST was released by its cancellation token.</summary>
    public TaskCompletionSource ListCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default)
    {
        if (FailPutsUnder is { } prefix && key.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ObjectStoreUnavailableException($"injected outage for PUT {key}");
        }

        if (condition is not PutCondition.NoneCondition && BeforeConditionalPut is { } hook)
        {
            await hook(key);
        }

        return await Inner.PutAsync(key, body, condition, cancellationToken);
    }

    public override async Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default)
    {
        if (FailDeletes)
        {
            throw new ObjectStoreUnavailableException($"injected outage for DELETE {key}");
        }

        if (BeforeDelete is { } hook)
        {
            await hook(key);
        }

        return await Inner.DeleteAsync(key, ifMatchETag, cancellationToken);
    }

    public override Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) =>
        HangListsUnder is { } prefix && request.Prefix.StartsWith(prefix, StringComparison.Ordinal)
            ? HangAsync(cancellationToken)
            : Inner.ListAsync(request, cancellationToken);

    private async Task<ListPage> HangAsync(CancellationToken cancellationToken)
    {
        ListHanging.TrySetResult();
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (cancellationToken.Register(() => released.TrySetResult()))
        {
            await released.Task;
        }

        ListCancelled.TrySetResult();
        throw new OperationCanceledException(cancellationToken);
    }
}
