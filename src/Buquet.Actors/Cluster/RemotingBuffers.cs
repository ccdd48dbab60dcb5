namespace Buquet.Actors.Cluster;

/// <summary>
/// How the fleet's remoting (DotNetty) allocates its byte buffers (ADR 0029). DotNetty's pooled allocator reserves
/// 16 MiB arenas on first use, one or two per process in an idle three-node fleet, which was most of a clustered
/// worker's extra idle memory. The fleet exchanges a few small messages a second (heartbeats, gossip, ready keys),
/// so unpooled buffers cost nothing measurable and the arenas are never allocated.
/// Akka turns pooling off for the channels it configures (<c>enable-pooling = off</c>, in
/// <see cref="FleetClusterSettings.ToConfig"/>), but accepted connections take DotNetty's process-wide default
/// allocator, which DotNetty reads once from the environment variable <see cref="AllocatorVariable"/>.
/// </summary>
internal static class RemotingBuffers
{
    /// <summary>DotNetty's allocator switch (<c>pooled</c> or <c>unpooled</c>), read when DotNetty is first used.</summary>
    public const string AllocatorVariable = "io.netty.allocator.type";

    /// <summary>The allocator to set: <c>unpooled</c> unless the operator chose one (their value is left alone).</summary>
    public static string? Choose(string? current) => string.IsNullOrWhiteSpace(current) ? "unpooled" : null;

    /// <summary>Sets <see cref="AllocatorVariable"/> for this process before the first fleet system starts.</summary>
    public static void PreferUnpooled()
    {
        if (Choose(Environment.GetEnvironmentVariable(AllocatorVariable)) is { } chosen)
        {
            Environment.SetEnvironmentVariable(AllocatorVariable, chosen);
        }
    }
}
