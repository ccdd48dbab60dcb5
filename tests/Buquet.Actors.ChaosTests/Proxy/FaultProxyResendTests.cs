using System.Text;
using Buquet.Actors.Storage;

namespace Buquet.Actors.ChaosTests.Proxy;

/// <summary>
/// The silent re-send, for real: the proxy forwards a conditional write (it lands on moto) and resets the connection
/// before any response byte; .NET's SocketsHttpHandler re-sends the request on its own and the second copy gets a
/// clean 412. The store must settle that refusal by re-reading and report the write as ours.
/// </summary>
public sealed class FaultProxyResendTests
{
    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static string Text(StoredObject? o) => o is null ? "<missing>" : Encoding.UTF8.GetString(o.Body.Span);

    [Fact]
    public async Task PutAsync_CreateOnlyLandedThenResentInto412_WrittenWithTheStoredETag()
    {
        await using var env = await ProxiedMoto.StartAsync();
        using var direct = await env.DirectStoreAsync();
        env.Proxy.Faults.Enqueue(FaultKind.ResetAfterForward, RequestFilter.ConditionalPut);
        var received = env.Proxy.Received;

        var put = await env.Store.PutAsync("fresh", Bytes("ours"), PutCondition.IfNoneMatch);

        var truth = await direct.GetAsync("fresh");
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal("ours", Text(truth));
        Assert.Equal(truth!.ETag, put.ETag);
        Assert.Equal(1, env.Proxy.Faults.Counts()[FaultKind.ResetAfterForward]);
        Assert.Equal(3, env.Proxy.Received - received); // the PUT, its silent re-send, the settling HEAD
        Assert.Equal(1, env.Store.SettledAsOurs);
    }

    [Fact]
    public async Task PutAsync_IfMatchLandedThenResentInto412_WrittenAndCasChainContinues()
    {
        await using var env = await ProxiedMoto.StartAsync();
        var seed = await env.Store.PutAsync("k", Bytes("seed"), PutCondition.None);
        env.Proxy.Faults.Enqueue(FaultKind.ResetAfterForward, RequestFilter.ConditionalPut);

        var put = await env.Store.PutAsync("k", Bytes("ours"), PutCondition.IfMatch(seed.ETag!));
        var next = await env.Store.PutAsync("k", Bytes("next"), PutCondition.IfMatch(put.ETag!));

        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal(PutStatus.Written, next.Status);
        Assert.Equal("next", Text(await env.Store.GetAsync("k")));
        Assert.Equal(1, env.Store.SettledAsOurs);
    }

    [Fact]
    public async Task PutAsync_LostRaceThroughProxy_PreconditionFailedAfterOneHead()
    {
        await using var env = await ProxiedMoto.StartAsync();
        var seed = await env.Store.PutAsync("k", Bytes("seed"), PutCondition.None);
        Assert.True((await env.Store.PutAsync("k", Bytes("winner"), PutCondition.IfMatch(seed.ETag!))).Succeeded);
        var received = env.Proxy.Received;

        var put = await env.Store.PutAsync("k", Bytes("loser"), PutCondition.IfMatch(seed.ETag!));

        Assert.Equal(PutStatus.PreconditionFailed, put.Status);
        Assert.Equal(2, env.Proxy.Received - received); // the refused PUT and one settling HEAD
        Assert.Equal("winner", Text(await env.Store.GetAsync("k")));
        Assert.Equal(0, env.Store.SettledAsOurs);
    }

    [Fact]
    public async Task DeleteAsync_IfMatchLandedThenResent_Deleted()
    {
        await using var env = await ProxiedMoto.StartAsync();
        Assert.True(env.Store.Capabilities.ConditionalDelete);
        var put = await env.Store.PutAsync("k", Bytes("v"), PutCondition.None);
        env.Proxy.Faults.Enqueue(FaultKind.ResetAfterForward, RequestFilter.Write);

        var status = await env.Store.DeleteAsync("k", put.ETag);

        Assert.Equal(DeleteStatus.Deleted, status);
        Assert.Null(await env.Store.GetAsync("k"));
        Assert.Equal(1, env.Proxy.Faults.Counts()[FaultKind.ResetAfterForward]);
    }
}
