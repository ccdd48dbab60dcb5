using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;

namespace Buquet.Actors.Storage;

/// <summary>What an S3 failure means for the caller.</summary>
internal enum S3FailureKind
{
    /// <summary>404 / NoSuchKey / NoSuchVersion.</summary>
    NotFound,

    /// <summary>412, or 409 ConditionalRequestConflict: the precondition did not hold and nothing was written.</summary>
    PreconditionFailed,

    /// <summary>503 SlowDown / 429: retry later.</summary>
    Throttled,

    /// <summary>Other 5xx, timeouts, transport failures: retryable, and ambiguous for a write.</summary>
    Transient,

    /// <summary>Anything else (403, 400, missing bucket...): retrying will not help.</summary>
    Fatal,
}

/// <summary>Maps AWSSDK exceptions to <see cref="S3FailureKind"/> (see docs/adr/0002-conditional-write-error-mapping.md).</summary>
internal static class S3Errors
{
    /// <summary>True for AWS's 409 ConditionalRequestConflict: a concurrent conditional write was in flight.</summary>
    public static bool IsInFlightConflict(Exception e) =>
        e is AmazonServiceException { StatusCode: System.Net.HttpStatusCode.Conflict, ErrorCode: "ConditionalRequestConflict" };

    public static S3FailureKind Classify(Exception e)
    {
        if (e is AmazonServiceException s && s.StatusCode != 0)
        {
            return (int)s.StatusCode switch
            {
                404 when s.ErrorCode == "NoSuchBucket" => S3FailureKind.Fatal,
                404 => S3FailureKind.NotFound,
                412 => S3FailureKind.PreconditionFailed,
                409 when s.ErrorCode == "ConditionalRequestConflict" => S3FailureKind.PreconditionFailed,
                409 when s.ErrorCode == "OperationAborted" => S3FailureKind.Transient,
                503 or 429 => S3FailureKind.Throttled,
                400 when s.ErrorCode is "RequestTimeout" or "RequestTimeTooSkewed" => S3FailureKind.Transient,
                >= 500 => S3FailureKind.Transient,
                _ => S3FailureKind.Fatal,
            };
        }

        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException or WebException)
            {
                return S3FailureKind.Transient;
            }
        }

        return e is AmazonServiceException ? S3FailureKind.Transient : S3FailureKind.Fatal;
    }

    public static string Describe(Exception e) => e is AmazonServiceException s
        ? $"HTTP {(int)s.StatusCode} {s.ErrorCode}: {s.Message}"
        : $"{e.GetType().Name}: {e.Message}";

    public static ObjectStoreUnavailableException Unavailable(string what, S3FailureKind kind, Exception e) => kind switch
    {
        S3FailureKind.Throttled => new ObjectStoreThrottledException($"{what}: throttled ({Describe(e)})", e),
        S3FailureKind.Transient when IsTimeout(e) => new ObjectStoreTimeoutException($"{what}: timed out ({Describe(e)})", e),
        S3FailureKind.Transient => new ObjectStoreUnavailableException($"{what}: server or transport failure ({Describe(e)})", e),
        _ => new ObjectStoreUnavailableException($"{what}: {Describe(e)}", e),
    };

    private static bool IsTimeout(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is TimeoutException or OperationCanceledException)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Exponential backoff with jitter, delays on the injected <see cref="TimeProvider"/>.</summary>
internal sealed class S3Retry(int maxAttempts, TimeSpan baseDelay, TimeSpan maxDelay, Func<double> random, TimeProvider time)
{
    public int MaxAttempts => maxAttempts;

    /// <summary>Delay before retry number <paramref name="attempt"/> (0-based): half the capped exponential plus a random half.</summary>
    public TimeSpan DelayFor(int attempt)
    {
        var exp = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(exp / 2 + exp / 2 * Math.Clamp(random(), 0, 1));
    }

    public Task DelayAsync(int attempt, CancellationToken ct) => Task.Delay(DelayFor(attempt), time, ct);

    /// <summary>
    /// Runs <paramref name="op"/>, retrying throttling and transient failures. A failure classified as
    /// <see cref="S3FailureKind.NotFound"/> or <see cref="S3FailureKind.PreconditionFailed"/> is handed to
    /// <paramref name="onExpected"/>, whose value is returned; other failures throw <see cref="ObjectStoreUnavailableException"/>.
    /// </summary>
    public async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> op, Func<S3FailureKind, Exception, T>? onExpected, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await op(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var kind = S3Errors.Classify(e);
                if (kind is S3FailureKind.NotFound or S3FailureKind.PreconditionFailed && onExpected is not null)
                {
                    return onExpected(kind, e);
                }

                if (kind is not (S3FailureKind.Throttled or S3FailureKind.Transient) || attempt + 1 >= maxAttempts)
                {
                    throw S3Errors.Unavailable(what, kind, e);
                }
            }

            await DelayAsync(attempt, ct).ConfigureAwait(false);
        }
    }
}
