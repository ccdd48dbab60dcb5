using System.Text;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Storage;

public sealed class FaultInjectingObjectStoreTests
{
    private const int Seed = 20261123;

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static (FaultInjectingObjectStore Faulty, InMemoryObjectStore Inner) Create(FaultSettings settings, TimeProvider? time = null)
    {
        var inner = new InMemoryObjectStore();
        return (new FaultInjectingObjectStore(inner, settings, new Random(Seed), time), inner);
    }

    [Fact]
    public async Task Outage_SwitchedOn_EveryOperationFailsAndNothingIsWritten()
    {
        var (store, inner) = Create(FaultSettings.None);
        store.Outage = true;
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.PutAsync("k", Bytes("v"), PutCondition.None));
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.GetAsync("k"));
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.ListAsync(new ListRequest()));
        Assert.Null(await inner.GetAsync("k"));
        Assert.Equal(3, store.Injected.Outages);

        store.Outage = false;
        Assert.Equal(PutStatus.Written, (await store.PutAsync("k", Bytes("v"), PutCondition.None)).Status);
    }

    [Fact]
    public async Task PutAsync_AlwaysThrottled_ThrowsThrottledWithoutWriting()
    {
        var (store, inner) = Create(FaultSettings.None with { ThrottleProbability = 1 });
        await Assert.ThrowsAsync<ObjectStoreThrottledException>(() => store.PutAsync("k", Bytes("v"), PutCondition.None));
        Assert.Null(await inner.GetAsync("k"));
        Assert.Equal(1, store.Injected.Throttles);
    }

    [Fact]
    public async Task PutAsync_AlwaysConflict_ConditionalFailsWithoutWritingUnconditionalPasses()
    {
        var (store, inner) = Create(FaultSettings.None with { ConflictProbability = 1 });
        Assert.Equal(PutStatus.PreconditionFailed, (await store.PutAsync("k", Bytes("v"), PutCondition.IfNoneMatch)).Status);
        Assert.Null(await inner.GetAsync("k"));
        var put = await store.PutAsync("k", Bytes("v"), PutCondition.None);
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal(PutStatus.PreconditionFailed, (await store.PutAsync("k", Bytes("w"), PutCondition.IfMatch(put.ETag!))).Status);
        Assert.Equal("v", Encoding.UTF8.GetString((await inner.GetAsync("k"))!.Body.Span));
        Assert.Equal(2, store.Injected.Conflicts);
    }

    [Fact]
    public async Task PutAsync_LandedTimeout_ThrowsTimeoutButTheWriteLanded()
    {
        var (store, inner) = Create(FaultSettings.None with { LandedTimeoutProbability = 1 });
        await Assert.ThrowsAsync<ObjectStoreTimeoutException>(() => store.PutAsync("k", Bytes("landed"), PutCondition.IfNoneMatch));
        Assert.Equal("landed", Encoding.UTF8.GetString((await inner.GetAsync("k"))!.Body.Span));
    }

    [Fact]
    public async Task DeleteAsync_DroppedResponse_ThrowsUnavailableButTheDeleteHappened()
    {
        var (store, inner) = Create(FaultSettings.None with { DroppedResponseProbability = 1 });
        await inner.PutAsync("k", Bytes("v"), PutCondition.None);
        var e = await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.DeleteAsync("k"));
        Assert.IsType<IOException>(e.InnerException);
        Assert.Null(await inner.GetAsync("k"));
        Assert.Equal(1, store.Injected.DroppedResponses);
    }

    [Fact]
    public async Task GetAsync_Latency_CompletesOnlyWhenTheTimeProviderAdvances()
    {
        var time = new FakeTimeProvider();
        var (store, inner) = Create(FaultSettings.None with { MinLatency = TimeSpan.FromSeconds(2), MaxLatency = TimeSpan.FromSeconds(2) }, time);
        await inner.PutAsync("k", Bytes("v"), PutCondition.None);
        var get = store.GetAsync("k");
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(get.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await get.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task PutAsync_SameSeed_ReplaysTheSameFaults()
    {
        var settings = new FaultSettings { ThrottleProbability = 0.2, ConflictProbability = 0.2, LandedTimeoutProbability = 0.1, DroppedResponseProbability = 0.1 };
        var first = await OutcomesAsync(settings);
        var second = await OutcomesAsync(settings);
        Assert.Equal(first, second);
        var throttled = first.Count(o => o == nameof(ObjectStoreThrottledException));
        Assert.InRange(throttled, 60, 140); // ~20 % of 500
        Assert.Contains(nameof(PutStatus.PreconditionFailed), first);
        Assert.Contains(nameof(ObjectStoreTimeoutException), first);
        Assert.Contains(nameof(ObjectStoreUnavailableException), first);
    }

    private static async Task<List<string>> OutcomesAsync(FaultSettings settings)
    {
        var (store, _) = Create(settings);
        var outcomes = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            try
            {
                outcomes.Add((await store.PutAsync("k" + i, Bytes("v"), PutCondition.IfNoneMatch)).Status.ToString());
            }
            catch (ObjectStoreUnavailableException e)
            {
                outcomes.Add(e.GetType().Name);
            }
        }

        return outcomes;
    }

    [Fact]
    public void Constructor_ProbabilityOutOfRange_ThrowsNamingIt() =>
        Assert.Equal("ConflictProbability", Assert.Throws<ArgumentException>(() => Create(FaultSettings.None with { ConflictProbability = 1.5 })).ParamName);
}
