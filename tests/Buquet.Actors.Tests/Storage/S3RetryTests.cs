using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Storage;

public sealed class S3RetryTests
{
    private static AmazonS3Exception Http(HttpStatusCode status, string code) => new("test", ErrorType.Receiver, code, "req", status);

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "NoSuchKey", "NotFound")]
    [InlineData(HttpStatusCode.NotFound, "NoSuchBucket", "Fatal")]
    [InlineData(HttpStatusCode.PreconditionFailed, "PreconditionFailed", "PreconditionFailed")]
    [InlineData(HttpStatusCode.Conflict, "ConditionalRequestConflict", "PreconditionFailed")]
    [InlineData(HttpStatusCode.Conflict, "BucketNotEmpty", "Fatal")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "SlowDown", "Throttled")]
    [InlineData(HttpStatusCode.InternalServerError, "UnknownError", "Transient")]
    [InlineData(HttpStatusCode.GatewayTimeout, "", "Transient")]
    [InlineData(HttpStatusCode.Forbidden, "AccessDenied", "Fatal")]
    [InlineData(HttpStatusCode.BadRequest, "XAmzContentSHA256Mismatch", "Fatal")]
    public void Classify_HttpError_MapsPerAdr0002(HttpStatusCode status, string code, string expected) =>
        Assert.Equal(expected, S3Errors.Classify(Http(status, code)).ToString());

    [Fact]
    public void Classify_TransportFailures_AreTransient()
    {
        Assert.Equal(S3FailureKind.Transient, S3Errors.Classify(new HttpRequestException("reset")));
        Assert.Equal(S3FailureKind.Transient, S3Errors.Classify(new TaskCanceledException("timeout")));
        Assert.Equal(S3FailureKind.Transient, S3Errors.Classify(new AmazonClientException("x", new IOException("broken pipe"))));
        Assert.Equal(S3FailureKind.Fatal, S3Errors.Classify(new AmazonClientException("no credentials")));
    }

    [Fact]
    public void DelayFor_Attempts_GrowExponentiallyWithJitterAndCap()
    {
        var time = new FakeTimeProvider();
        var low = new S3Retry(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), () => 0.0, time);
        var high = new S3Retry(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), () => 1.0, time);
        Assert.Equal(TimeSpan.FromMilliseconds(50), low.DelayFor(0));
        Assert.Equal(TimeSpan.FromMilliseconds(100), high.DelayFor(0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), low.DelayFor(2));
        Assert.Equal(TimeSpan.FromMilliseconds(400), high.DelayFor(2));
        Assert.Equal(TimeSpan.FromSeconds(1), high.DelayFor(20));
    }

    [Fact]
    public async Task RunAsync_ThrottledThenOk_RetriesOnTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        var retry = new S3Retry(5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), () => 1.0, time);
        var calls = 0;
        var called = new SemaphoreSlim(0);
        var run = retry.RunAsync("op", _ =>
        {
            called.Release();
            return ++calls < 2 ? throw Http(HttpStatusCode.ServiceUnavailable, "SlowDown") : Task.FromResult(42);
        }, null, CancellationToken.None);
        Assert.True(await called.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(await called.WaitAsync(0), "retried before the delay elapsed");
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(await called.WaitAsync(0), "retried before the delay elapsed");
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(42, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task RunAsync_AlwaysThrottled_ThrowsThrottledAfterMaxAttempts()
    {
        var retry = new S3Retry(3, TimeSpan.Zero, TimeSpan.Zero, () => 0.5, TimeProvider.System);
        var calls = 0;
        var e = await Assert.ThrowsAsync<ObjectStoreThrottledException>(() =>
            retry.RunAsync<int>("GET 'k'", _ => { calls++; throw Http(HttpStatusCode.ServiceUnavailable, "SlowDown"); }, null, CancellationToken.None));
        Assert.Equal(3, calls);
        Assert.Contains("GET 'k'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Fatal_ThrowsAtOnceWithoutRetry()
    {
        var retry = new S3Retry(5, TimeSpan.Zero, TimeSpan.Zero, () => 0.5, TimeProvider.System);
        var calls = 0;
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() =>
            retry.RunAsync<int>("op", _ => { calls++; throw Http(HttpStatusCode.Forbidden, "AccessDenied"); }, null, CancellationToken.None));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task RunAsync_NotFoundWithHandler_ReturnsHandlersValue()
    {
        var retry = new S3Retry(5, TimeSpan.Zero, TimeSpan.Zero, () => 0.5, TimeProvider.System);
        var value = await retry.RunAsync<string?>("op", _ => throw Http(HttpStatusCode.NotFound, "NoSuchKey"), (k, _) => k.ToString(), CancellationToken.None);
        Assert.Equal("NotFound", value);
    }

    [Fact]
    public async Task RunAsync_TimeoutExhausted_ThrowsTimeoutException()
    {
        var retry = new S3Retry(2, TimeSpan.Zero, TimeSpan.Zero, () => 0.5, TimeProvider.System);
        await Assert.ThrowsAsync<ObjectStoreTimeoutException>(() =>
            retry.RunAsync<int>("op", _ => throw new TaskCanceledException("HttpClient.Timeout"), null, CancellationToken.None));
    }
}
