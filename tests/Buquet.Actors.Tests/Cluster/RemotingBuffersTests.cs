using Buquet.Actors.Cluster;
using DotNetty.Buffers;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>ADR 0029: the fleet's remoting allocates unpooled buffers, so no 16 MiB DotNetty arena is ever reserved.</summary>
public sealed class RemotingBuffersTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void Choose_OperatorChoseNothing_Unpooled(string? current) =>
        Assert.Equal("unpooled", RemotingBuffers.Choose(current));

    [Theory]
    [InlineData("pooled")]
    [InlineData("unpooled")]
    public void Choose_OperatorChoseAnAllocator_LeftAlone(string current) =>
        Assert.Null(RemotingBuffers.Choose(current));

    [Fact]
    public void ToConfig_Defaults_AkkasChannelsUnpooled()
    {
        var config = FleetNode.Loopback([]).ToConfig();

        Assert.False(config.GetBoolean("akka.remote.dot-netty.tcp.enable-pooling", true));
    }

    [Fact]
    public async Task Start_FleetNodeUp_AcceptedConnectionsUnpooledToo()
    {
        await using var node = new FleetNode();
        await node.UntilAsync(() => node.Cluster.Status.Members == 1, "this node Up in a cluster of its own");

        Assert.Equal("unpooled", Environment.GetEnvironmentVariable(RemotingBuffers.AllocatorVariable));
        Assert.IsType<UnpooledByteBufferAllocator>(ByteBufferUtil.DefaultAllocator); // what accepted channels take
        Assert.False(node.Cluster.CurrentSystem!.Settings.Config.GetBoolean("akka.remote.dot-netty.tcp.enable-pooling", true));
    }
}
