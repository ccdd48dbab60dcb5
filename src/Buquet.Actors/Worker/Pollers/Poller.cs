using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Worker.Pollers;

/// <summary>Protocol of the shard poller: finds ready candidates in the ready index (INTERNAL API).</summary>
internal static class Poller
{
    /// <summary>Marker for the poller's messages.</summary>
    public interface IPollerMessage;

    /// <summary>From the supervisor: free concurrency slots (the poller never asks for more candidates).</summary>
    public sealed record Capacity(int Free) : IPollerMessage;

    /// <summary>From the supervisor (or shard-lease owner): the shards to poll; empty = poll nothing.</summary>
    public sealed record SetShards(IReadOnlyList<string> Shards) : IPollerMessage;

    /// <summary>From the supervisor: stop polling for good (shutdown).</summary>
    public sealed class StopPolling : IPollerMessage
    {
        public static readonly StopPolling Instance = new();

        private StopPolling()
        {
        }
    }

    /// <summary>To the supervisor: candidates to claim (at most the free slots), and what woke the poll that found them.</summary>
    public sealed record Candidates(IReadOnlyList<Candidate> Items, PickupPath Path = PickupPath.Poll) : IPollerMessage;

    /// <summary>From the supervisor: the last batch is done; how many were claimed.</summary>
    public sealed record BatchResult(int Claimed) : IPollerMessage;

    /// <summary>To the supervisor on (re)start: ask for the current capacity.</summary>
    public sealed class Started : IPollerMessage
    {
        public static readonly Started Instance = new();

        private Started()
        {
        }
    }

    internal sealed class PollTick
    {
        public static readonly PollTick Instance = new();

        private PollTick()
        {
        }
    }

    /// <summary>Asks the poller for its <see cref="State"/> (tests, diagnostics).</summary>
    public sealed class GetState : IPollerMessage
    {
        public static readonly GetState Instance = new();

        private GetState()
        {
        }
    }

    /// <summary>
    /// The poller's state: polls made, idle flag, hint-triggered and pushed wake-ups, shards it polls while active, hint
    /// moves a member announced (<paramref name="MemberHintMoves"/>) and hint moves this poller relayed (ADR 0027).
    /// </summary>
    public sealed record State(int Polls, bool Idle, int HintWakeUps, int Shards, int PushWakeUps = 0, int MemberHintMoves = 0, int Relays = 0) : IPollerMessage;

    /// <summary>
    /// From a clustered fleet's member (ADR 0026): a task became ready at <paramref name="ReadyKey"/>. Handled exactly
    /// like a moved wake-up hint: poll now (the claim is still a CAS); the key itself is not trusted.
    /// </summary>
    public sealed record Pushed(string ReadyKey) : IPollerMessage;

    /// <summary>
    /// From a clustered fleet's member (ADR 0027): the wake-up hint moved to <paramref name="ETag"/>. Announced by the
    /// member that touched it (its ready keys were pushed to one worker of each handler group): when this poller's HEAD
    /// sees that ETag it only looks once, without leaving idle. <paramref name="Relayed"/> by a worker that saw a move no
    /// member announced: poll now, as for a moved hint, and never relay it again.
    /// </summary>
    public sealed record MemberHint(string ETag, bool Relayed) : IPollerMessage;

    /// <summary>The settle time after a HEAD saw the hint move to <paramref name="ETag"/>, which no member had announced yet.</summary>
    internal sealed record HintSettled(string ETag);

    /// <summary>Time to HEAD the wake-up hint.</summary>
    internal sealed class HintTick
    {
        public static readonly HintTick Instance = new();

        private HintTick()
        {
        }
    }

    /// <summary>Time to count the live workers under <c>workers/</c> (while idle).</summary>
    internal sealed class CensusTick
    {
        public static readonly CensusTick Instance = new();

        private CensusTick()
        {
        }
    }

    /// <summary>Props for a poller reporting to <paramref name="supervisor"/>, starting with <paramref name="shards"/>.</summary>
    public static Props Props(WorkerRuntime runtime, IActorRef supervisor, IReadOnlyList<string> shards, IActorRef activity) =>
        ActorProps.FromFactory(() => new PollerActor(runtime, supervisor, shards, activity));
}

/// <summary>A ready-index entry naming a task to try.</summary>
/// <param name="TaskId">The task id.</param>
/// <param name="TaskKey">The task object's key.</param>
internal sealed record Candidate(Guid TaskId, string TaskKey);
