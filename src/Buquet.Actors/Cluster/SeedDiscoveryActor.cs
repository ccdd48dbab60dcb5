using Akka.Actor;
using Akka.Discovery;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Cluster;

/// <summary>The seed look-up of a fleet system (<see cref="SeedDiscovery"/>); stops once it has asked Akka to join.</summary>
internal sealed class SeedDiscoveryActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    // Immutable after construction.
    private readonly ILogger _logger;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly int _required;

    // Actor state.
    private TimeSpan _retry = SeedDiscovery.FirstRetry;
    private int _failures;

    public SeedDiscoveryActor(ILogger logger)
    {
        _logger = logger;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        _required = Context.System.Settings.Config.GetInt(FleetBootstrapSettings.RequiredContactPointsPath, 1);
        Receive<LookUp>(_ => OnLookUp());
        Receive<Found>(OnFound);
        Receive<Status.Failure>(f => OnFailed(f.Cause));
    }

    protected override void PreStart() => Self.Tell(LookUp.Instance);

    private void OnLookUp()
    {
        try
        {
            var lookup = new Lookup(FleetBootstrapSettings.ServiceName, FleetBootstrapSettings.PortName, "tcp");
            Discovery.Get(Context.System).Default.Lookup(lookup, SeedDiscovery.LookupTimeout)
                .PipeTo(Self, success: resolved => new Found(resolved.Addresses.Select(ToAddress).ToList()));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            OnFailed(e); // the discovery method could not even be created (its settings): logged, retried
        }
    }

    private void OnFound(Found found)
    {
        var seeds = found.Peers.Append(_cluster.SelfAddress).Distinct()
            .OrderBy(a => a.Host, StringComparer.Ordinal).ThenBy(a => a.Port).ToList();
        if (seeds.Count < _required)
        {
            _logger.LogInformation("Fleet cluster discovery found {Count} pod(s), this one included; waiting for {Required}", seeds.Count, _required);
            Again();
            return;
        }

        _logger.LogInformation("Fleet cluster discovery found {Count} pod(s); joining seeds {Seeds}", seeds.Count, string.Join(", ", seeds));
        _cluster.JoinSeedNodes(seeds);
        Context.Stop(Self);
    }

    private void OnFailed(Exception cause)
    {
        // The first failure is a warning; repeats (every 15 s at most) stay at debug until a look-up succeeds.
        var level = _failures++ == 0 ? LogLevel.Warning : LogLevel.Debug;
        _logger.Log(level, cause, "Fleet cluster discovery failed (attempt {Attempt}); this node stays isolated, the worker carries on over S3, and it looks again in {Retry}", _failures, _retry);
        Again();
    }

    private void Again()
    {
        Timers.StartSingleTimer(LookUp.Instance, LookUp.Instance, _retry);
        _retry = TimeSpan.FromTicks(Math.Min(_retry.Ticks * 2, SeedDiscovery.LongestRetry.Ticks));
    }

    private Address ToAddress(ServiceDiscovery.ResolvedTarget target) =>
        new(_cluster.SelfAddress.Protocol, FleetClusterSettings.SystemName, target.Host, target.Port ?? _cluster.SelfAddress.Port);

    private sealed class LookUp
    {
        public static readonly LookUp Instance = new();
    }

    private sealed record Found(IReadOnlyList<Address> Peers);
}
