using Buquet.Actors.Configuration;

namespace Buquet.Actors.Protocol;

/// <summary>
/// A task input or output is larger than <c>buquet.queue.max-payload-size</c> (<see cref="Client.BuquetClientOptions.MaxPayloadSizeBytes"/>).
/// A submit that throws this wrote nothing.
/// </summary>
public sealed class PayloadTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PayloadTooLargeException() { }

    /// <summary>Creates the exception.</summary>
    public PayloadTooLargeException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PayloadTooLargeException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a payload of <paramref name="size"/> bytes over <paramref name="limit"/>.</summary>
    public PayloadTooLargeException(string what, long size, long limit) : base(Describe(what, size, limit))
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The payload's size in bytes (compact JSON).</summary>
    public long Size { get; }

    /// <summary>The limit in bytes.</summary>
    public long Limit { get; }

    /// <summary>The message naming the payload, its size and the limit.</summary>
    public static string Describe(string what, long size, long limit) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"The task {what} is {size:N0} bytes, above buquet.queue.max-payload-size = {ByteSizes.Format(limit)} ({limit:N0} bytes).");
}
