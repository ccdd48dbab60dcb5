using Buquet.Actors.Coordination;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Coordination;

public sealed class LeaderElectionTests
{
    private const string Key = "leader/scheduler.json";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(90);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _store;

    public LeaderElectionTests() => _store = new InMemoryObjectStore(_time);

    [Fact]
    public async Task RunRoundAsync_RenewedEveryThirdOfTtl_KeepsLeadershipAndToken()
    {
        var a = Candidate("a");
        var b = Candidate("b");
        Assert.True(await a.RunRoundAsync());
        var token = a.Grant!.FencingToken;

        for (var i = 0; i < 20; i++)
        {
            _time.Advance(a.RenewInterval);
            Assert.True(await a.RunRoundAsync());
            Assert.False(await b.RunRoundAsync());
            Assert.True(await a.FenceAsync());
        }

        Assert.Equal(token, a.Grant!.FencingToken);
        Assert.Equal(TimeSpan.FromSeconds(30), a.RenewInterval);
    }

    [Fact]
    public async Task RunRoundAsync_LeaderCrashes_StandbyTakesOverAfterExpiryOnly()
    {
        var a = Candidate("a");
        var b = Candidate("b");
        Assert.True(await a.RunRoundAsync());
        var crashedAt = _time.GetUtcNow();
        var oldGrant = a.Grant!;
        a.Forget(); // crash: no more renewals, no release

        while (!await b.RunRoundAsync())
        {
            Assert.True(_time.GetUtcNow() < crashedAt + Ttl, "took over before the lease expired");
            _time.Advance(b.RenewInterval);
        }

        Assert.True(_time.GetUtcNow() >= crashedAt + Ttl);
        Assert.True(_time.GetUtcNow() < crashedAt + Ttl + b.RenewInterval);
        Assert.Equal(oldGrant.FencingToken + 1, b.Grant!.FencingToken);
    }

    [Fact]
    public async Task FenceAsync_AfterTakeover_DeposedLeaderStops()
    {
        var a = Candidate("a");
        var b = Candidate("b");
        Assert.True(await a.RunRoundAsync());
        _time.Advance(Ttl); // a paused (GC, partition) past its term
        Assert.True(await b.RunRoundAsync());

        Assert.False(await a.FenceAsync());
        Assert.False(await a.RunRoundAsync());
        Assert.Null(a.Grant);
    }

    [Fact]
    public async Task ResignAsync_Leader_StandbyTakesOverImmediately()
    {
        var a = Candidate("a");
        var b = Candidate("b");
        Assert.True(await a.RunRoundAsync());

        await a.ResignAsync();

        Assert.True(await b.RunRoundAsync());
        Assert.Equal(2, b.Grant!.FencingToken);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task RunRoundAsync_RandomInterleaving_NeverTwoLeadersAndTokensRise(int seed)
    {
        var random = new Random(seed);
        var candidates = Enumerable.Range(0, 3).Select(i => Candidate($"c{i}")).ToArray();
        var crashed = new bool[candidates.Length];
        var holderOfToken = new Dictionary<long, string>();
        long highestToken = 0;

        for (var step = 0; step < 600; step++)
        {
            var i = random.Next(candidates.Length);
            switch (random.Next(10))
            {
                case < 4:
                    _time.Advance(TimeSpan.FromSeconds(random.Next(1, 50)));
                    break;
                case 4:
                    crashed[i] = !crashed[i];
                    if (crashed[i])
                    {
                        candidates[i].Forget();
                    }

                    break;
                case 5 when !crashed[i]:
                    await candidates[i].FenceAsync();
                    break;
                default:
                    if (!crashed[i] && await candidates[i].RunRoundAsync())
                    {
                        var token = candidates[i].Grant!.FencingToken;
                        Assert.True(token >= highestToken, $"seed {seed} step {step}: token went back to {token} from {highestToken}");
                        highestToken = token;
                        Assert.Equal(candidates[i].CandidateId, holderOfToken.TryAdd(token, candidates[i].CandidateId) ? candidates[i].CandidateId : holderOfToken[token]);
                    }

                    break;
            }

            var now = _time.GetUtcNow();
            var leaders = candidates.Where(c => c.IsLeaderAt(now)).Select(c => c.CandidateId).ToList();
            Assert.True(leaders.Count <= 1, $"seed {seed} step {step}: leaders {string.Join(", ", leaders)} at {now:O}");
        }

        Assert.True(highestToken > 1, $"seed {seed}: leadership never changed hands");
    }

    [Fact]
    public async Task RunRoundAsync_EstimateSawExpiryButAcquireFoundHolder_ObservedTermEndsInSet()
    {
        var a = Candidate("a");
        var aheadClock = new AheadEstimateClock(_time, TimeSpan.FromSeconds(10)); // a late renewal looks expired
        var b = new LeaderElection(new ObjectLease(_store, aheadClock, Key, Ttl), aheadClock, "b");
        Assert.True(await a.RunRoundAsync());
        _time.Advance(Ttl - TimeSpan.FromSeconds(5));

        Assert.False(await b.RunRoundAsync());

        Assert.Equal(TimeSpan.FromSeconds(5), b.ObservedTermEndsIn);
    }

    /// <summary>A store clock whose estimate runs <paramref name="ahead"/> of its synced reading.</summary>
    private sealed class AheadEstimateClock(TimeProvider time, TimeSpan ahead) : IStoreClock
    {
        public ValueTask<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(time.GetUtcNow());

        public ValueTask<DateTimeOffset> EstimateNowAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(time.GetUtcNow() + ahead);
    }

    private LeaderElection Candidate(string id)
    {
        var clock = new StoreClock(_store, _time, TimeSpan.Zero);
        return new LeaderElection(new ObjectLease(_store, clock, Key, Ttl), clock, id);
    }
}
