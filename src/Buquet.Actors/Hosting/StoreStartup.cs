using System.Net.Sockets;
using Amazon.Runtime;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Hosting;

/// <summary>
/// Opens the store at worker start-up and keeps retrying while it is unreachable (a partition, a restarting S3
/// server, throttling): exponential backoff with jitter from <see cref="InitialDelay"/> to <see cref="MaxDelay"/>, each
/// failed attempt reported with its cause, until the store answers or the start is cancelled (SIGTERM/SIGINT).
/// Configuration errors (missing bucket, access denied, conditional writes not honoured, a bad setting) are not
/// transient and are thrown at once (INTERNAL API; the host's <c>worker</c> command).
/// </summary>
internal static class StoreStartup
{
    /// <summary>Delay after the first failed attempt.</summary>
    public static readonly TimeSpan InitialDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest delay between attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Calls <paramref name="open"/> until it returns; after a transient failure waits (on <paramref name="time"/>) and
    /// retries, telling <paramref name="onRetry"/> the attempt number, the cause and the delay.
    /// </summary>
    public static async Task<IObjectStore> OpenAsync(
        Func<CancellationToken, Task<IObjectStore>> open,
        TimeProvider time,
        Func<double> random,
        Action<int, Exception, TimeSpan> onRetry,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(onRetry);
        var delay = InitialDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await open(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                var wait = delay * (0.5 + random());
                var waiting = Task.Delay(wait, time, cancellationToken); // armed before the report: a fake clock advanced on it fires it
                onRetry(attempt, e, wait);
                await waiting.ConfigureAwait(false);
                delay = delay * 2 > MaxDelay ? MaxDelay : delay * 2;
            }
        }
    }

    /// <summary>
    /// True when <paramref name="e"/> says the store could not be reached or was overloaded (an S3 5xx/429/timeout,
    /// a connection failure, a timeout), not that it is misconfigured.
    /// </summary>
    public static bool IsTransient(Exception e, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is AmazonServiceException { StatusCode: not 0 } s)
            {
                return S3Errors.Classify(s) is S3FailureKind.Throttled or S3FailureKind.Transient;
            }
        }

        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is ObjectStoreThrottledException or ObjectStoreTimeoutException or HttpRequestException or SocketException or TimeoutException or OperationCanceledException
                || (x is IOException && x is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException)))
            {
                return true;
            }
        }

        return false;
    }
}
