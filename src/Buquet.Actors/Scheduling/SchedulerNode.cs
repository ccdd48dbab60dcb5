using Buquet.Actors.Client;
using Buquet.Actors.Coordination;
using Buquet.Actors.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Scheduling;

/// <summary>
/// One scheduler process's logic, free of timers: a leader election on <see cref="LeaseKey"/> and a tick that runs
/// only while this node leads, fenced before its writes. The scheduler actor calls <see cref="RunLeaseRoundAsync"/>
/// every third of the lease TTL and <see cref="RunTickAsync"/> every tick interval. Not thread-safe: one owner.
/// </summary>
internal sealed class SchedulerNode
{
    /// <summary>The scheduler's leader lease, outside every buquet prefix.</summary>
    public const string LeaseKey = "leader/scheduler.json";

    // Immutable after construction.
    private readonly IStoreClock _clock;
    private readonly SchedulerTick _tick;
    private readonly ILogger _logger;

    public SchedulerNode(
        BuquetClient client, string nodeId, TimeSpan leaseTtl, ILogger? logger = null, Func<double>? random = null, ScheduleExtensions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _clock = client.Clock;
        _logger = logger ?? NullLogger.Instance;
        Election = new LeaderElection(new ObjectLease(client.Store, client.Clock, LeaseKey, leaseTtl), client.Clock, nodeId);
        _tick = new SchedulerTick(client, _logger, random, defaults);
    }

    public LeaderElection Election { get; }

    public string NodeId => Election.CandidateId;

    /// <summary>Renews or acquires leadership; returns whether this node leads.</summary>
    /// <param name="ct">Cancels the round.</param>
    /// <param name="renewFor">A longer term when renewing (idle leader); null = the lease TTL.</param>
    public async Task<bool> RunLeaseRoundAsync(CancellationToken ct = default, TimeSpan? renewFor = null)
    {
        var wasLeader = Election.Grant is not null;
        var leads = await Election.RunRoundAsync(ct, renewFor);
        if (leads != wasLeader)
        {
            _logger.LogInformation(
                leads ? "Scheduler {NodeId} leads (fencing token {Token})" : "Scheduler {NodeId} stands by (token {Token})",
                NodeId, Election.Grant?.FencingToken);
        }

        return leads;
    }

    /// <summary>Ticks when this node leads (trusted now; fenced before writes); <c>null</c> when it stands by.</summary>
    public async Task<SchedulerTickReport?> RunTickAsync(CancellationToken ct = default)
    {
        // The estimate suffices here: every write of the tick is fenced first (synced clock + GET of the lease), and a
        // tick without schedules writes nothing, so an idle leader's tick is one LIST and no clock probe.
        if (Election.Grant is not { } grant)
        {
            return null;
        }

        var now = await _clock.EstimateNowAsync(ct);
        if (!Election.IsLeaderAt(now))
        {
            _logger.LogDebug(
                "Scheduler {NodeId}: term {Token} not trusted at {Now:O} (expires {ExpiresAt:O}); tick skipped until the next lease round",
                NodeId, grant.FencingToken, now, grant.ExpiresAt);
            return null;
        }

        return await _tick.RunAsync(Election.FenceAsync, ct);
    }

    /// <summary>Releases leadership so a standby takes over at once (graceful stop).</summary>
    public Task ResignAsync(CancellationToken ct = default) => Election.ResignAsync(ct);
}
