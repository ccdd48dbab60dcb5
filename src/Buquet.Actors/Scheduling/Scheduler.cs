using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Akka.Actor;
using Akka.Pattern;
using Buquet.Actors.Runtime;
using Buquet.Actors.Scheduling.Planning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PlanCatchUp = Buquet.Actors.Scheduling.Planning.CatchUpPolicy;

namespace Buquet.Actors.Scheduling;

/// <summary>
/// Protocol of the scheduler actor (<see cref="SchedulerActor"/>): one per worker process when
/// <c>buquet.scheduler.enabled</c>; exactly one of them (the lease holder) ticks at a time across the fleet.
/// </summary>
internal static class Scheduler
{
    /// <summary>Marker of every scheduler message.</summary>
    public interface ISchedulerMessage;

    /// <summary>Timer: run one tick (when leading).</summary>
    public sealed record Tick : ISchedulerMessage
    {
        public static readonly Tick Instance = new();

        private Tick()
        {
        }
    }

    /// <summary>Timer: renew or acquire the leader lease.</summary>
    public sealed record RenewLease : ISchedulerMessage
    {
        public static readonly RenewLease Instance = new();

        private RenewLease()
        {
        }
    }

    /// <summary>Release leadership at once (graceful shutdown), then stop; answered with <see cref="ResignResult"/>.</summary>
    public sealed record Resign : ISchedulerMessage
    {
        public static readonly Resign Instance = new();

        private Resign()
        {
        }
    }

    /// <summary>Reply to <see cref="Resign"/>.</summary>
    public sealed record ResignResult(string NodeId) : ISchedulerMessage;

    /// <summary>Ask for the state; answered with <see cref="StatusResult"/>.</summary>
    public sealed record GetStatus : ISchedulerMessage
    {
        public static readonly GetStatus Instance = new();

        private GetStatus()
        {
        }
    }

    /// <summary>The state of one scheduler.</summary>
    public sealed record StatusResult(string NodeId, bool IsLeader, long? FencingToken, SchedulerTickReport? LastTick) : ISchedulerMessage;

    /// <summary>Event (event stream): a lease round finished.</summary>
    public sealed record LeaseRoundCompleted(string NodeId, bool IsLeader, long? FencingToken) : ISchedulerMessage;

    /// <summary>Event (event stream): a tick timer was handled; <see cref="Report"/> is <c>null</c> on a standby or
    /// when the tick failed (<see cref="Error"/>).</summary>
    public sealed record TickCompleted(string NodeId, SchedulerTickReport? Report, string? Error) : ISchedulerMessage;

    /// <summary>Scheduler settings.</summary>
    /// <param name="NodeId">This process's candidate id (the worker id).</param>
    /// <param name="TickInterval">How often the leader ticks.</param>
    /// <param name="LeaderLeaseTtl">Leader lease TTL; renewed every third of it.</param>
    /// <param name="Defaults">Extensions of schedules that store none.</param>
    public sealed record Settings(string NodeId, TimeSpan TickInterval, TimeSpan LeaderLeaseTtl, ScheduleExtensions Defaults)
    {
        /// <summary>Uniform [0, 1) values for jitter; <c>null</c> = the actor system's.</summary>
        public Func<double>? Random { get; init; }

        /// <summary>The worker's idle flag (a standby checks the leader lease every <see cref="IdleStandbyInterval"/>
        /// while idle); <c>null</c> = always active.</summary>
        public IActorRef? Activity { get; init; }

        /// <summary>A standby's lease-round period while the worker is idle (<c>idle-standby-interval</c>).</summary>
        public TimeSpan IdleStandbyInterval { get; init; } = TimeSpan.FromMinutes(5);

        /// <summary>The leader's tick period while idle with no schedule (<c>idle-tick-interval</c>); at most
        /// <see cref="TickInterval"/> means no idle change.</summary>
        public TimeSpan IdleTickInterval { get; init; } = TimeSpan.FromMinutes(5);

        /// <summary>The term an idle leader writes when it renews, every third of it (<c>idle-leader-lease-ttl</c>);
        /// at most the lease TTL means no idle change.</summary>
        public TimeSpan IdleLeaderLeaseTtl { get; init; } = TimeSpan.FromMinutes(5);

        /// <summary>Builds settings from <c>buquet.scheduler</c>. Catch-up <c>one</c> = none (buquet), <c>skip</c> =
        /// latest (the backlog is dropped but the newest due slot runs), <c>all</c> = all missed slots up to
        /// <see cref="PlanCatchUp.DefaultAllBound"/>.</summary>
        public static Settings FromConfig(SchedulerOptions options, string nodeId)
        {
            ArgumentNullException.ThrowIfNull(options);
            var defaults = new ScheduleExtensions
            {
                TimeZone = options.DefaultTimeZone,
                CatchUp = options.CatchUp switch
                {
                    Configuration.CatchUpPolicy.Skip => PlanCatchUp.Latest,
                    Configuration.CatchUpPolicy.All => PlanCatchUp.All(PlanCatchUp.DefaultAllBound),
                    _ => PlanCatchUp.None,
                },
            };
            return new Settings(nodeId, options.TickInterval, options.LeaderLeaseTtl, defaults) { IdleStandbyInterval = options.IdleStandbyInterval, IdleLeaderLeaseTtl = options.IdleLeaderLeaseTtl, IdleTickInterval = options.IdleTickInterval }.Validate();
        }

        /// <summary>Throws naming the first invalid value.</summary>
        public Settings Validate()
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(NodeId, nameof(NodeId));
            ArgumentNullException.ThrowIfNull(Defaults);
            _ = Cron.CronTimeZone.Resolve(Defaults.TimeZone);
            if (TickInterval < TimeSpan.FromSeconds(1))
            {
                throw new ArgumentOutOfRangeException(nameof(TickInterval), TickInterval, $"scheduler.tick-interval must be at least 1 s, was {TickInterval}.");
            }

            if (LeaderLeaseTtl < TimeSpan.FromSeconds(3))
            {
                throw new ArgumentOutOfRangeException(nameof(LeaderLeaseTtl), LeaderLeaseTtl, $"scheduler.leader-lease-ttl must be at least 3 s, was {LeaderLeaseTtl}.");
            }

            if (IdleStandbyInterval <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(IdleStandbyInterval), IdleStandbyInterval, $"scheduler.idle-standby-interval must be positive, was {IdleStandbyInterval}.");
            }

            return this;
        }
    }

    /// <summary>Props of the scheduler actor itself (crashes on unexpected errors; see <see cref="SupervisedProps"/>).</summary>
    public static Props Props(BuquetClient client, Settings settings, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Buquet.Actors.Scheduling.Scheduler");
        return ActorProps.FromFactory(() => new SchedulerActor(client, settings, logger));
    }

    /// <summary>The scheduler under a backoff supervisor (restart after 1 s, doubling to 60 s, ±20 %; reset after
    /// 5 minutes healthy). A restarted instance re-acquires the lease as a new term.</summary>
    public static Props SupervisedProps(BuquetClient client, Settings settings, ILoggerFactory? loggerFactory = null) =>
        BackoffSupervisor.Props(
            Backoff.OnFailure(Props(client, settings, loggerFactory), "scheduler", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 0.2, -1)
                .WithAutoReset(TimeSpan.FromMinutes(5)));
}
