using System.Text;
using Buquet.Actors.Coordination;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Coordination;

public sealed class ObjectLeaseTests
{
    private const string Key = "leader/test.json";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(90);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _store;
    private readonly ObjectLease _lease;

    public ObjectLeaseTests()
    {
        _store = new InMemoryObjectStore(_time);
        _lease = new ObjectLease(_store, new StoreClock(_store, _time, TimeSpan.Zero), Key, Ttl);
    }

    [Fact]
    public async Task TryAcquireAsync_NoObject_CreatesTokenOneWithStoreTimes()
    {
        var result = await _lease.TryAcquireAsync("a");

        Assert.Equal(LeaseStatus.Acquired, result.Status);
        Assert.Equal(1, result.Grant!.FencingToken);
        Assert.Equal(_time.GetUtcNow() + Ttl, result.Grant.ExpiresAt);
        var body = Encoding.UTF8.GetString((await _store.GetAsync(Key))!.Body.Span);
        Assert.Equal(
            """{"key":"leader/test.json","holder_id":"a","fencing_token":1,"acquired_at":"2026-01-28T12:00:00Z","renewed_at":"2026-01-28T12:00:00Z","expires_at":"2026-01-28T12:01:30Z"}""",
            body);
    }

    [Fact]
    public async Task TryAcquireAsync_HeldAndUnexpired_ReportsHolder()
    {
        await _lease.TryAcquireAsync("a");
        _time.Advance(Ttl - TimeSpan.FromSeconds(1));

        var result = await _lease.TryAcquireAsync("b");

        Assert.Equal(LeaseStatus.HeldByOther, result.Status);
        Assert.Null(result.Grant);
        Assert.Equal("a", result.Current!.HolderId);
    }

    [Fact]
    public async Task TryAcquireAsync_Expired_TakesOverWithNextToken()
    {
        var first = (await _lease.TryAcquireAsync("a")).Grant!;
        _time.Advance(Ttl);

        var result = await _lease.TryAcquireAsync("b");

        Assert.Equal(LeaseStatus.TakenOver, result.Status);
        Assert.Equal(first.FencingToken + 1, result.Grant!.FencingToken);
        Assert.Equal(LeaseStatus.Lost, (await _lease.RenewAsync(first)).Status);
        Assert.False(await _lease.VerifyAsync(first));
        Assert.True(await _lease.VerifyAsync(result.Grant));
    }

    [Fact]
    public async Task TryAcquireAsync_ConcurrentCandidates_ExactlyOneWins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _lease.TryAcquireAsync($"c{i}")));

        Assert.Single(results, r => r.IsHeld);
    }

    [Fact]
    public async Task RenewAsync_Held_ExtendsExpiryAndKeepsToken()
    {
        var grant = (await _lease.TryAcquireAsync("a")).Grant!;
        _time.Advance(Ttl / 3);

        var renewed = await _lease.RenewAsync(grant);

        Assert.Equal(LeaseStatus.Renewed, renewed.Status);
        Assert.Equal(grant.FencingToken, renewed.Grant!.FencingToken);
        Assert.Equal(_time.GetUtcNow() + Ttl, renewed.Grant.ExpiresAt);
        Assert.False(await _lease.VerifyAsync(grant));
        Assert.True(await _lease.VerifyAsync(renewed.Grant));
    }

    [Fact]
    public async Task ReleaseAsync_Held_NextCandidateTakesOverAtOnceWithHigherToken()
    {
        var grant = (await _lease.TryAcquireAsync("a")).Grant!;

        Assert.True(await _lease.ReleaseAsync(grant));
        var next = await _lease.TryAcquireAsync("b");

        Assert.Equal(LeaseStatus.TakenOver, next.Status);
        Assert.Equal(2, next.Grant!.FencingToken);
        Assert.False(await _lease.ReleaseAsync(grant));
    }

    [Fact]
    public async Task TryAcquireAsync_SameHolderRestarted_StartsNewTermAndDeposesOldGrant()
    {
        var old = (await _lease.TryAcquireAsync("a")).Grant!;

        var again = await _lease.TryAcquireAsync("a");

        Assert.Equal(LeaseStatus.TakenOver, again.Status);
        Assert.Equal(2, again.Grant!.FencingToken);
        Assert.False(await _lease.VerifyAsync(old));
    }

    [Fact]
    public async Task TryAcquireAsync_UnreadableObject_TakesOverWithLargerToken()
    {
        await _store.PutAsync(Key, "garbage"u8.ToArray(), PutCondition.None);

        var result = await _lease.TryAcquireAsync("a");

        Assert.Equal(LeaseStatus.TakenOver, result.Status);
        Assert.True(result.Grant!.FencingToken > 1);
    }

    [Theory]
    [InlineData("schedules/leader.json")]
    [InlineData("tasks/x.json")]
    [InlineData("workflow/leader.json")]
    [InlineData("control/paused.json")]
    [InlineData("/leader.json")]
    public void Constructor_KeyUnderBuquetPrefix_ThrowsNamingKey(string key)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ObjectLease(_store, new StoreClock(_store, _time), key, Ttl));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }
}
