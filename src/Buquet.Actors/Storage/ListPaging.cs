namespace Buquet.Actors.Storage;

/// <summary>The page-size rule every store applies to a <see cref="ListRequest"/> (ListObjectsV2: 1..1000).</summary>
internal static class ListPaging
{
    /// <summary>Checks <paramref name="request"/> and returns its page size, capped at 1000 as S3 caps it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ListRequest.MaxKeys"/> is below 1; the message names it.</exception>
    public static int PageSize(ListRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxKeys < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.MaxKeys, $"MaxKeys must be at least 1, was {request.MaxKeys}.");
        }

        return Math.Min(request.MaxKeys, 1000);
    }
}
