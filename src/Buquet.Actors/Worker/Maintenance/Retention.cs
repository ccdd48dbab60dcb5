using Akka.Actor;
using Buquet.Actors.Configuration;
using Buquet.Actors.Protocol;
using Buquet.Actors.Runtime;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>
/// Protocol of the retention actor (<see cref="RetentionActor"/>): one <see cref="RetentionSweeper"/> step every
/// step interval while a pass over the held shards is in progress, the next pass a pass interval after one ends.
/// </summary>
internal static class Retention
{
    /// <summary>Marker of the messages the retention actor handles.</summary>
    internal interface IRetentionMessage;

    /// <summary>Retention settings.</summary>
    /// <param name="Policy">Ages per status.</param>
    /// <param name="StepInterval">Pause between steps of a pass.</param>
    /// <param name="PassInterval">Pause between passes.</param>
    /// <param name="MaxObjectsPerStep">Task objects listed per step.</param>
    /// <param name="Backoff">Retry delays after the store was unavailable.</param>
    public sealed record Settings(RetentionPolicy Policy, TimeSpan StepInterval, TimeSpan PassInterval, int MaxObjectsPerStep, StoreBackoff Backoff)
    {
        /// <summary>From <c>buquet.retention</c>.</summary>
        public static Settings FromOptions(RetentionOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            return new Settings(RetentionPolicy.FromOptions(options), options.StepInterval, options.PassInterval, options.MaxObjectsPerStep, StoreBackoff.Default).Validate();
        }

        /// <summary>Throws naming the bad value.</summary>
        public Settings Validate()
        {
            ArgumentNullException.ThrowIfNull(Policy);
            Policy.Validate();
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StepInterval, TimeSpan.Zero, nameof(StepInterval));
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PassInterval, TimeSpan.Zero, nameof(PassInterval));
            ArgumentOutOfRangeException.ThrowIfLessThan(MaxObjectsPerStep, 1, nameof(MaxObjectsPerStep));
            ArgumentNullException.ThrowIfNull(Backoff);
            Backoff.Validate();
            return this;
        }
    }

    /// <summary>Run a step now (also sent by the timer).</summary>
    public sealed class Step : IRetentionMessage
    {
        public static readonly Step Instance = new();

        private Step()
        {
        }
    }

    /// <summary>Event to the listener: a step finished; the next runs after <paramref name="Next"/>.</summary>
    public sealed record StepCompleted(RetentionReport Report, TimeSpan Next);

    /// <summary>Event to the listener: the store was unavailable; the step is retried after <paramref name="RetryIn"/>.</summary>
    public sealed record StoreUnavailable(string Error, TimeSpan RetryIn);

    /// <summary>
    /// Props of the retention actor. The sweeper (and so its cursors) is built once here, outside the actor factory,
    /// so it survives restarts of the actor.
    /// </summary>
    /// <param name="settings">Ages, intervals, limits.</param>
    /// <param name="repository">Task access.</param>
    /// <param name="ownedShards">The shards this worker holds (its shard leases, or its polled shards without leasing).</param>
    /// <param name="random">Jitter source in [0, 1) for the store backoff.</param>
    /// <param name="listener">Receives <see cref="StepCompleted"/> and <see cref="StoreUnavailable"/>; optional.</param>
    /// <param name="logger">Diagnostics.</param>
    /// <param name="activity">The worker's idle flag: while idle, a due step waits until the worker is active; optional.</param>
    public static Props Props(Settings settings, TaskRepository repository, Func<IReadOnlySet<string>> ownedShards, Func<double> random, IActorRef? listener = null, ILogger? logger = null, IActorRef? activity = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(random);
        settings.Validate();
        var sweeper = new RetentionSweeper(repository, settings.Policy, ownedShards, settings.MaxObjectsPerStep, logger: logger);
        return ActorProps.FromFactory(() => new RetentionActor(settings, sweeper, random, listener, logger, activity));
    }
}
