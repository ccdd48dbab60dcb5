using System.Net;
using System.Text;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.ChaosTests.Proxy;

/// <summary>Each fault kind through the proxy, with a real <see cref="S3ObjectStore"/> against moto: the store's expected outcome.</summary>
public sealed class FaultProxyTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static string Text(StoredObject? o) => o is null ? "<missing>" : Encoding.UTF8.GetString(o.Body.Span);

    [Theory]
    [InlineData("http://10.0.0.1:9000")]
    [InlineData("http://example.com:9000")]
    [InlineData("https://127.0.0.1:9000")]
    [InlineData("http://0.0.0.0:9000")]
    public async Task StartAsync_NonLoopbackUpstream_RefusedNamingTheUrl(string upstream)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => FaultProxy.StartAsync(new Uri(upstream), new FaultDecider(FaultPlan.None, 1)));
        Assert.Contains(new Uri(upstream).ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_NoFaults_PathQueryHeadersAndBodiesArriveUnchanged()
    {
        await using var env = await ProxiedMoto.StartAsync();
        using var direct = await env.DirectStoreAsync();
        var key = "tasks/a b/ü+x%y=z&w.json";
        var body = Bytes("{\"payload\":\"" + new string('x', 70_000) + "\"}");
        var put = await env.Store.PutAsync(key, body, PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.Written, put.Status);
        var viaProxy = await env.Store.GetAsync(key);
        var truth = await direct.GetAsync(key);
        Assert.Equal(body, viaProxy!.Body.ToArray());
        Assert.Equal(truth!.ETag, viaProxy.ETag);
        Assert.Equal(truth.ETag, put.ETag);
        Assert.Equal(truth.LastModified, (await env.Store.HeadAsync(key))!.LastModified);
        var page = await env.Store.ListAsync(new ListRequest(Prefix: "tasks/a b/", MaxKeys: 5));
        Assert.Equal(key, Assert.Single(page.Objects).Key);
        Assert.Equal(PutStatus.PreconditionFailed, (await env.Store.PutAsync(key, Bytes("again"), PutCondition.IfNoneMatch)).Status);
        Assert.Equal(0, env.Proxy.Faults.TotalInjected);
        Assert.Equal(env.Proxy.Received, env.Proxy.Forwarded);
    }

    [Fact]
    public async Task CreateAsync_ServerIgnoringConditionalWrites_RefusedAtStart()
    {
        var moto = ProxiedMoto.MotoEndpoint();
        var bucket = await ProxiedMoto.CreateBucketAsync(moto);
        await using var proxy = await FaultProxy.StartAsync(moto, new FaultDecider(FaultPlan.None, 1));
        proxy.StripConditionalHeaders = true;
        await Assert.ThrowsAsync<ObjectStoreConfigurationException>(() => S3ObjectStore.CreateAsync(ProxiedMoto.StoreOptions(proxy.Address, bucket)));
        proxy.StripConditionalHeaders = false;
        using var store = await S3ObjectStore.CreateAsync(ProxiedMoto.StoreOptions(proxy.Address, bucket));
        Assert.True(store.Probe.CasHolds);
    }

    [Fact]
    public async Task Forward_AnyTraffic_OnlyLoopbackEndpointsOnBothSides()
    {
        await using var env = await ProxiedMoto.StartAsync();
        await env.Store.PutAsync("k", Bytes("v"), PutCondition.None);
        await env.Store.GetAsync("k");
        Assert.Equal(IPAddress.Loopback.ToString(), env.Proxy.Address.Host);
        Assert.NotEmpty(env.Proxy.UpstreamEndpoints);
        Assert.All(env.Proxy.UpstreamEndpoints, e => Assert.True(IPAddress.IsLoopback(e.Address), $"upstream {e}"));
        Assert.All(env.Proxy.UpstreamEndpoints, e => Assert.Equal(env.Moto.Port, e.Port));
        Assert.All(env.Proxy.ClientEndpoints, e => Assert.True(IPAddress.IsLoopback(e.Address), $"client {e}"));
    }

    [Fact]
    public async Task PutAsync_SlowDownBurstShorterThanRetries_RetriedAndWritten()
    {
        await using var env = await ProxiedMoto.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            env.Proxy.Faults.Enqueue(FaultKind.SlowDown, RequestFilter.ConditionalPut);
        }

        var put = await env.Store.PutAsync("k", Bytes("ours"), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal("ours", Text(await env.Store.GetAsync("k")));
        Assert.Equal(3, env.Proxy.Faults.Counts()[FaultKind.SlowDown]);
    }

    [Fact]
    public async Task GetAsync_SlowDownBurstLongerThanRetries_ThrowsThrottled()
    {
        await using var env = await ProxiedMoto.StartAsync();
        await env.Store.PutAsync("k", Bytes("v"), PutCondition.None);
        env.Proxy.Faults.Plan = new FaultPlan { SlowDownBurstProbability = 1, SlowDownBurstLength = 50 };
        await Assert.ThrowsAsync<ObjectStoreThrottledException>(() => env.Store.GetAsync("k"));
        Assert.Equal(5, env.Proxy.Faults.Counts()[FaultKind.SlowDown]);
    }

    [Fact]
    public async Task PutAsync_IfMatchLandedResponseDropped_WrittenByReread()
    {
        await using var env = await ProxiedMoto.StartAsync(requestTimeout: TimeSpan.FromSeconds(1));
        var seed = await env.Store.PutAsync("k", Bytes("seed"), PutCondition.None);
        env.Proxy.Faults.Enqueue(FaultKind.DropResponse, RequestFilter.ConditionalPut);
        var forwardedBefore = env.Proxy.Forwarded;
        var put = await env.Store.PutAsync("k", Bytes("ours"), PutCondition.IfMatch(seed.ETag!));
        Assert.Equal(PutStatus.Written, put.Status);
        var stored = await env.Store.GetAsync("k");
        Assert.Equal("ours", Text(stored));
        Assert.Equal(stored!.ETag, put.ETag);
        Assert.Equal(1, env.Proxy.Faults.Counts()[FaultKind.DropResponse]);
        Assert.True(env.Proxy.Forwarded > forwardedBefore, "the dropped write was forwarded");
    }

    [Fact]
    public async Task CreateAsync_ProbeWritesLandedResponsesDropped_BucketAccepted()
    {
        // The start-up probe's create, create-again and If-Match writes all land and lose their response: each retry
        // then sees 412, and the probe must recognise its own body instead of refusing the bucket.
        await using var env = await ProxiedMoto.StartAsync(requestTimeout: TimeSpan.FromSeconds(1));
        for (var i = 0; i < 3; i++)
        {
            env.Proxy.Faults.Enqueue(FaultKind.DropResponse, RequestFilter.ConditionalPut);
        }

        using var store = await S3ObjectStore.CreateAsync(ProxiedMoto.StoreOptions(env.Proxy.Address, env.Bucket, TimeSpan.FromSeconds(1)));
        Assert.True(store.Probe.CasHolds);
        Assert.Equal(3, env.Proxy.Faults.Counts()[FaultKind.DropResponse]);
    }

    [Fact]
    public async Task CreateAsync_ProbeCreateGets409_ProbedAgainAndAccepted()
    {
        await using var env = await ProxiedMoto.StartAsync();
        env.Proxy.Faults.Enqueue(FaultKind.Conflict, RequestFilter.ConditionalPut);
        using var store = await S3ObjectStore.CreateAsync(ProxiedMoto.StoreOptions(env.Proxy.Address, env.Bucket));
        Assert.True(store.Probe.CasHolds);
        Assert.Equal(1, env.Proxy.Faults.Counts()[FaultKind.Conflict]);
    }

    [Fact]
    public async Task PutAsync_CreateOnlyLandedResponseDropped_WrittenByReread()
    {
        await using var env = await ProxiedMoto.StartAsync(requestTimeout: TimeSpan.FromSeconds(1));
        env.Proxy.Faults.Enqueue(FaultKind.DropResponse, RequestFilter.ConditionalPut);
        var put = await env.Store.PutAsync("fresh", Bytes("ours"), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal("ours", Text(await env.Store.GetAsync("fresh")));
    }

    [Fact]
    public async Task PutAsync_Conflict409WithNoCompetingWrite_SettledByRereadAndWritten()
    {
        // A 409 ConditionalRequestConflict means "another conditional write was in flight", not "the precondition
        // failed": when the re-read shows the ETag still current, the in-flight write never landed and ours may.
        await using var env = await ProxiedMoto.StartAsync();
        var seed = await env.Store.PutAsync("k", Bytes("seed"), PutCondition.None);
        env.Proxy.Faults.Enqueue(FaultKind.Conflict, RequestFilter.ConditionalPut);
        var put = await env.Store.PutAsync("k", Bytes("ours"), PutCondition.IfMatch(seed.ETag!));
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal("ours", Text(await env.Store.GetAsync("k")));
        Assert.Equal(1, env.Proxy.Faults.Counts()[FaultKind.Conflict]);
    }

    [Fact]
    public async Task PutAsync_CreateOnlyConflict409WhileKeyAbsent_WrittenNotReportedAsExisting()
    {
        await using var env = await ProxiedMoto.StartAsync();
        env.Proxy.Faults.Enqueue(FaultKind.Conflict, RequestFilter.ConditionalPut);
        var put = await env.Store.PutAsync("fresh", Bytes("ours"), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal("ours", Text(await env.Store.GetAsync("fresh")));
    }

    [Fact]
    public async Task PutAsync_Conflict409AfterAmbiguous500_ResolvedByRereadAndWritten()
    {
        await using var env = await ProxiedMoto.StartAsync();
        var seed = await env.Store.PutAsync("k", Bytes("seed"), PutCondition.None);
        env.Proxy.Faults.Enqueue(FaultKind.InternalError, RequestFilter.ConditionalPut);
        env.Proxy.Faults.Enqueue(FaultKind.Conflict, RequestFilter.ConditionalPut);
        var put = await env.Store.PutAsync("k", Bytes("ours"), PutCondition.IfMatch(seed.ETag!));
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal("ours", Text(await env.Store.GetAsync("k")));
        Assert.Equal(1, env.Proxy.Faults.Counts()[FaultKind.InternalError]);
        Assert.Equal(1, env.Proxy.Faults.Counts()[FaultKind.Conflict]);
    }

    [Fact]
    public async Task PutAsync_500AfterAnotherWriterWon_PreconditionFailed()
    {
        await using var env = await ProxiedMoto.StartAsync();
        var seed = await env.Store.PutAsync("k", Bytes("seed"), PutCondition.None);
        await env.Store.PutAsync("k", Bytes("other"), PutCondition.IfMatch(seed.ETag!));
        env.Proxy.Faults.Enqueue(FaultKind.InternalError, RequestFilter.ConditionalPut);
        var put = await env.Store.PutAsync("k", Bytes("ours"), PutCondition.IfMatch(seed.ETag!));
        Assert.Equal(PutStatus.PreconditionFailed, put.Status);
        Assert.Equal("other", Text(await env.Store.GetAsync("k")));
    }

    [Fact]
    public async Task GetAsync_Latency_AnswersOnlyAfterTheProxyClockPassesIt()
    {
        var time = new FakeTimeProvider();
        await using var env = await ProxiedMoto.StartAsync(proxyTime: time);
        await env.Store.PutAsync("k", Bytes("v"), PutCondition.None);
        env.Proxy.Faults.Plan = new FaultPlan { LatencyProbability = 1, MinLatency = TimeSpan.FromMinutes(5), MaxLatency = TimeSpan.FromMinutes(5) };
        var delayed = env.NextFaultAsync(FaultKind.Latency);
        var get = env.Store.GetAsync("k");
        await delayed.WaitAsync(Guard);
        Assert.False(get.IsCompleted);
        env.Proxy.Faults.Plan = FaultPlan.None;
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("v", Text(await get.WaitAsync(Guard)));
    }

    [Fact]
    public async Task GetAsync_Blackhole_HeldUntilDeadlineThenResetThenRetried()
    {
        var time = new FakeTimeProvider();
        await using var env = await ProxiedMoto.StartAsync(proxyTime: time);
        await env.Store.PutAsync("k", Bytes("v"), PutCondition.None);
        var held = env.NextFaultAsync(FaultKind.Blackhole);
        env.Proxy.Faults.StartBlackhole(TimeSpan.FromMinutes(1));
        var forwardedBefore = env.Proxy.Forwarded;
        var get = env.Store.GetAsync("k");
        await held.WaitAsync(Guard);
        Assert.False(get.IsCompleted);
        Assert.Equal(forwardedBefore, env.Proxy.Forwarded);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("v", Text(await get.WaitAsync(Guard)));
        Assert.Equal(1, env.Proxy.Faults.Counts()[FaultKind.Blackhole]);
    }

    [Fact]
    public async Task PutAsync_RandomStorm_WrittenExactlyWhenOurBodyLanded()
    {
        const int Seed = 20261123;
        await using var env = await ProxiedMoto.StartAsync(Seed, requestTimeout: TimeSpan.FromSeconds(1));
        using var direct = await env.DirectStoreAsync();
        env.Proxy.Faults.Plan = new FaultPlan
        {
            SlowDownBurstProbability = 0.05,
            SlowDownBurstLength = 2,
            ConflictProbability = 0.1,
            InternalErrorProbability = 0.1,
            DropResponseProbability = 0.08,
        };
        var outcomes = new List<(string Key, string Body, PutResult Result)>();
        for (var i = 0; i < 50; i++)
        {
            var key = $"storm/{i % 20}";
            var body = $"writer-{i}";
            var current = await direct.GetAsync(key);
            var condition = current is null ? PutCondition.IfNoneMatch : PutCondition.IfMatch(current.ETag);
            try
            {
                outcomes.Add((key, body, await env.Store.PutAsync(key, Bytes(body), condition)));
            }
            catch (ObjectStoreUnavailableException)
            {
                // Retries exhausted is an allowed answer; the write's fate is then checked below like any other.
                outcomes.Add((key, body, new PutResult(PutStatus.PreconditionFailed, "unavailable")));
            }
        }

        Assert.True(env.Proxy.Faults.TotalInjected > 8, $"seed {Seed}: only {env.Proxy.Faults.TotalInjected} faults");
        foreach (var (key, body, result) in outcomes.Where(o => o.Result.Status == PutStatus.Written))
        {
            var versions = await direct.ListVersionsAsync(key);
            var ours = ETags.ForBody(Bytes(body));
            Assert.True(versions.Versions.Any(v => ETags.Equal(v.ETag, ours)), $"seed {Seed}: {key} reported Written but '{body}' never landed");
        }

        foreach (var (key, body, _) in outcomes.Where(o => o.Result.Status == PutStatus.PreconditionFailed && o.Result.ETag is null))
        {
            var versions = await direct.ListVersionsAsync(key);
            var ours = ETags.ForBody(Bytes(body));
            Assert.False(versions.Versions.Any(v => ETags.Equal(v.ETag, ours)), $"seed {Seed}: {key} reported PreconditionFailed but '{body}' landed");
        }
    }

    /// <summary>
    /// A transport fact the store must cope with (see the report to the lead): a connection reset before any response
    /// byte, on a reused keep-alive connection, makes .NET's HTTP stack re-send the request on its own. For a
    /// conditional PUT that had landed, the second copy gets a clean 412 that is indistinguishable from a lost race.
    /// </summary>
    [Fact]
    public async Task ResetAfterForward_ReusedConnection_HttpStackResendsTheConditionalPut()
    {
        await using var env = await ProxiedMoto.StartAsync();
        var seed = await env.Store.PutAsync("k", Bytes("seed"), PutCondition.None);
        env.Proxy.Faults.Enqueue(FaultKind.ResetAfterForward, RequestFilter.ConditionalPut);
        var received = env.Proxy.Received;
        var forwarded = env.Proxy.Forwarded;
        var put = await env.Store.PutAsync("k", Bytes("ours"), PutCondition.IfMatch(seed.ETag!));
        Assert.Equal(3, env.Proxy.Received - received); // two copies of the PUT, then the store's settling HEAD
        Assert.Equal(3, env.Proxy.Forwarded - forwarded);
        Assert.Equal("ours", Text(await env.Store.GetAsync("k")));
        Assert.Equal(1, env.Proxy.Faults.Counts()[FaultKind.ResetAfterForward]);
        Assert.Equal(PutStatus.Written, put.Status); // the re-sent copy's 412 is settled by re-reading (FaultProxyResendTests)
    }
}
