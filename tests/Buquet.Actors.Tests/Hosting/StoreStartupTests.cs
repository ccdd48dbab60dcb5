using System.Net;
using System.Threading.Channels;
using Amazon.S3;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Hosting;

public sealed class StoreStartupTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task OpenAsync_StoreUnreachableTwice_RetriesWithBackoffAndReportsWhy()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryObjectStore(time);
        var attempts = 0;
        var retries = Channel.CreateUnbounded<(int Attempt, Exception Error, TimeSpan Wait)>();
        var opening = StoreStartup.OpenAsync(
            _ => ++attempts <= 2
                ? throw new ObjectStoreUnavailableException("GET versioning: server or transport failure", new HttpRequestException("Connection refused"))
                : Task.FromResult<IObjectStore>(store),
            time,
            () => 0.5,
            (attempt, e, wait) => retries.Writer.TryWrite((attempt, e, wait)),
            CancellationToken.None);

        var first = await retries.Reader.ReadAsync().AsTask().WaitAsync(Guard);
        Assert.False(opening.IsCompleted);
        time.Advance(first.Wait);
        var second = await retries.Reader.ReadAsync().AsTask().WaitAsync(Guard);
        time.Advance(second.Wait);

        Assert.Same(store, await opening.WaitAsync(Guard));
        Assert.Equal(3, attempts);
        Assert.Equal(1, first.Attempt);
        Assert.Contains("Connection refused", first.Error.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(StoreStartup.InitialDelay, first.Wait);
        Assert.Equal(StoreStartup.InitialDelay * 2, second.Wait);
    }

    [Fact]
    public async Task OpenAsync_ConfigurationError_ThrownAtOnceWithoutRetry()
    {
        var attempts = 0;
        var missing = new ObjectStoreConfigurationException("Bucket 'nope' is not usable",
            new ObjectStoreUnavailableException("GET versioning", new AmazonS3Exception("The specified bucket does not exist") { StatusCode = HttpStatusCode.NotFound, ErrorCode = "NoSuchBucket" }));

        var e = await Assert.ThrowsAsync<ObjectStoreConfigurationException>(() => StoreStartup.OpenAsync(
            _ => { attempts++; throw missing; }, TimeProvider.System, () => 0.5, (_, _, _) => { }, CancellationToken.None));

        Assert.Same(missing, e);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task OpenAsync_CancelledWhileWaiting_StopsRetrying()
    {
        var time = new FakeTimeProvider();
        using var cts = new CancellationTokenSource();
        var retried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var opening = StoreStartup.OpenAsync(
            _ => throw new TimeoutException("The operation was canceled."), time, () => 0.5, (_, _, _) => retried.TrySetResult(), cts.Token);

        await retried.Task.WaitAsync(Guard);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => opening.WaitAsync(Guard));
    }

    [Theory]
    [InlineData(503, "SlowDown", true)]
    [InlineData(500, "InternalError", true)]
    [InlineData(403, "AccessDenied", false)]
    [InlineData(404, "NoSuchBucket", false)]
    public void IsTransient_S3Status_OnlyServerSideAndThrottling(int status, string code, bool transient)
    {
        var e = new ObjectStoreConfigurationException("probe", new AmazonS3Exception(code) { StatusCode = (HttpStatusCode)status, ErrorCode = code });

        Assert.Equal(transient, StoreStartup.IsTransient(e));
    }

    [Fact]
    public void IsTransient_ConditionalWritesIgnored_NotTransient()
    {
        Assert.False(StoreStartup.IsTransient(new ObjectStoreConfigurationException("Bucket 'b' cannot be used: If-Match with a stale ETag was accepted.")));
    }
}
