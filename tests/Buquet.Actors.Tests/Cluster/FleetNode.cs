using System.Collections.Concurrent;
using Akka.Configuration;
using Buquet.Actors.Cluster;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// One member of a test fleet: a <see cref="FleetCluster"/> on 127.0.0.1 with a free port, whose inbox records what
/// was pushed to it. Waits are on signals (status changes, arrivals) with a real-time guard only.
/// </summary>
internal sealed class FleetNode : IAsyncDisposable
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>The <c>group</c> of a member that runs no worker (a client): it subscribes to no ready key or hint move.</summary>
    public const string NoGroup = "";

    private readonly ConcurrentQueue<string> _ready = new();
    private readonly ConcurrentQueue<Guid> _cancels = new();
    private readonly ConcurrentQueue<(string ETag, bool Relayed)> _hints = new();
    private readonly SemaphoreSlim _arrived;

    /// <param name="seed">The node to join; null forms a cluster of its own.</param>
    /// <param name="rejoinDelay">Wait before a stopped cluster system is replaced.</param>
    /// <param name="hocon">Further Akka settings.</param>
    /// <param name="group">The ready-topic group (a handler set); null gives the node a group of its own, so every
    /// node receives every ready key.</param>
    /// <param name="arrivals">Released at every arrival and status change; share one between nodes to wait on any of them.</param>
    public FleetNode(FleetNode? seed = null, TimeSpan? rejoinDelay = null, string? hocon = null, string? group = null, SemaphoreSlim? arrivals = null)
        : this(Loopback(seed is null ? [] : [$"127.0.0.1:{seed.Cluster.SelfAddress!.Port}"], rejoinDelay, hocon), group: group, arrivals: arrivals)
    {
    }

    /// <summary>A node on <paramref name="port"/> (0 = any) with <paramref name="seeds"/> (<c>host:port</c>, in order); <paramref name="hocon"/> wins over the test defaults.</summary>
    public FleetNode(int port, IReadOnlyList<string> seeds, TimeSpan? rejoinDelay = null, string? hocon = null)
        : this(Loopback(seeds, rejoinDelay, hocon, port))
    {
    }

    /// <summary>A member with the given settings (bootstrap tests), logging to <paramref name="logs"/>; <paramref name="group"/> and <paramref name="arrivals"/> as above.</summary>
    public FleetNode(FleetClusterSettings settings, ILoggerFactory? logs = null, string? group = null, SemaphoreSlim? arrivals = null)
    {
        _arrived = arrivals ?? new SemaphoreSlim(0);
        Cluster = new FleetCluster(settings, logs: logs);
        Cluster.StatusChanged += _ => _arrived.Release();
        Cluster.Start(new FleetInbox(
            group == NoGroup ? null : group ?? "n" + Guid.NewGuid().ToString("N"),
            (key, _) =>
            {
                _ready.Enqueue(key);
                _arrived.Release();
            },
            id =>
            {
                _cancels.Enqueue(id);
                _arrived.Release();
            },
            (etag, relayed) =>
            {
                _hints.Enqueue((etag, relayed));
                _arrived.Release();
            }));
    }

    public FleetCluster Cluster { get; }

    /// <summary>Settings of a member on 127.0.0.1, any free port; <paramref name="hocon"/> wins over the generated settings.</summary>
    public static FleetClusterSettings Loopback(IReadOnlyList<string> seeds, TimeSpan? rejoinDelay = null, string? hocon = null, int port = 0) =>
        new("127.0.0.1", "127.0.0.1", port, seeds, TimeSpan.FromSeconds(3), rejoinDelay ?? TimeSpan.FromSeconds(1))
        {
            // Quicker joins on a loaded machine; failure detection keeps Akka's defaults (no false downing in tests).
            Extra = ConfigurationFactory.ParseString("akka.cluster.seed-node-timeout = 2s\nakka.cluster.retry-unsuccessful-join-after = 1s\nakka.loglevel = WARNING\n" + (hocon ?? string.Empty)),
        };

    public IReadOnlyCollection<string> Ready => _ready;

    public IReadOnlyCollection<Guid> Cancels => _cancels;

    public IReadOnlyCollection<(string ETag, bool Relayed)> Hints => _hints;

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking at every status change or arrival.</summary>
    public async Task UntilAsync(Func<bool> condition, string what)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            var left = Guard - TimeProvider.System.GetElapsedTime(start);
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"{what}: not reached within {Guard} (status {Cluster.Status}).");
            }
        }
    }

    /// <summary>
    /// Publishes with <paramref name="publish"/> until <paramref name="arrived"/> holds at <paramref name="receiver"/>:
    /// DistributedPubSub drops messages published before a subscription has replicated (at most once, akka-notes.md),
    /// so a first publication right after joining may be lost; each retry waits on the receiver's next arrival.
    /// </summary>
    public static async Task PublishUntilAsync(Action publish, FleetNode receiver, Func<bool> arrived, string what)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!arrived())
        {
            if (TimeProvider.System.GetElapsedTime(start) > Guard)
            {
                throw new TimeoutException($"{what}: nothing arrived within {Guard} (receiver {receiver.Cluster.Status}).");
            }

            publish();
            await receiver._arrived.WaitAsync(TimeSpan.FromMilliseconds(300));
        }
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
