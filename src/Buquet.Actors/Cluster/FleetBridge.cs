using Akka.Actor;
using Buquet.Actors.Runtime;

namespace Buquet.Actors.Cluster;

/// <summary>
/// Protocol of the fleet bridge (ADR 0026, INTERNAL API): the one actor of a cluster system that subscribes to the
/// fleet's DistributedPubSub topics, hands what arrives to the worker's <see cref="FleetInbox"/>, publishes this
/// process's signals, and reports membership as a <see cref="FleetStatus"/>. Payloads are plain strings (Akka's
/// built-in serializer; no custom wire types): <c>{kind} {value}</c>.
/// </summary>
internal static class FleetBridge
{
    /// <summary>
    /// Topic of "a task is ready now" (payload: its ready-index key and task type). Workers subscribe in the group of
    /// their handler set (<see cref="GroupOf"/>) and it is published to one subscriber of each group (ADR 0027).
    /// </summary>
    public const string ReadyTopic = "buquet-ready";

    /// <summary>Topic of "cancellation was requested" (payload: the task id), to every member.</summary>
    public const string CancelTopic = "buquet-cancel";

    /// <summary>Topic of the S3 wake-up hint's moves, to every worker: announced by a member that touched it, or relayed (ADR 0027).</summary>
    public const string HintTopic = "buquet-hint";

    /// <summary>Prefix of a ready payload: <c>ready {key} {task type}</c> (the type may be absent).</summary>
    public const string ReadyKind = "ready ";

    /// <summary>Prefix of a cancel payload.</summary>
    public const string CancelKind = "cancel ";

    /// <summary>Prefix of a hint announcement: <c>hint {etag}</c>, the ETag of a member's touch.</summary>
    public const string HintKind = "hint ";

    /// <summary>Prefix of a hint relay: <c>relay {etag}</c>, a move no member announced.</summary>
    public const string RelayKind = "relay ";

    /// <summary>Marker for the bridge's messages.</summary>
    public interface IFleetBridgeMessage;

    /// <summary>
    /// Publish <paramref name="Payload"/> on <paramref name="Topic"/> to every member (this one included), or with
    /// <paramref name="OnePerGroup"/> to one subscriber of each group.
    /// </summary>
    public sealed record Publish(string Topic, string Payload, bool OnePerGroup = false) : IFleetBridgeMessage;

    /// <summary>
    /// A worker's inbox replaces the publish-only one of a member started by its client: the bridge delivers to it and
    /// subscribes to its group's ready tasks and to hint moves.
    /// </summary>
    public sealed record Attach(FleetInbox Inbox) : IFleetBridgeMessage;

    /// <summary>Props of the bridge delivering to <paramref name="inbox"/> and reporting to <paramref name="status"/>.</summary>
    public static Props Props(FleetInbox inbox, Action<int> status) =>
        ActorProps.FromFactory(() => new FleetBridgeActor(inbox, status));

    /// <summary>
    /// The ready-topic group of a worker claiming <paramref name="taskTypes"/>: workers with the same handler set share
    /// one (any of them may claim what the others may), so a ready task reaches one worker of each handler set.
    /// </summary>
    public static string GroupOf(IEnumerable<string> taskTypes)
    {
        ArgumentNullException.ThrowIfNull(taskTypes);
        var text = string.Join('\n', taskTypes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return "h" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
    }
}

/// <summary>Where pushed signals go in this process: the worker's supervisor, in hosting (ADR 0026, 0027).</summary>
/// <param name="Group">This worker's ready-topic group (<see cref="FleetBridge.GroupOf"/>); null for a member that runs
/// no worker (a client): it then subscribes to neither ready tasks nor hint moves.</param>
/// <param name="TaskReady">A task became ready: its ready-index key and its type (null when the publisher did not say).</param>
/// <param name="CancelRequested">Cancellation of a task was requested.</param>
/// <param name="HintMoved">The wake-up hint moved to an ETag: announced by the member that touched it (false) or relayed
/// by a worker that saw a move no member announced (true).</param>
internal sealed record FleetInbox(string? Group, Action<string, string?> TaskReady, Action<Guid> CancelRequested, Action<string, bool> HintMoved)
{
    /// <summary>The inbox of a member that only publishes (a client): it receives nothing.</summary>
    public static FleetInbox PublishOnly { get; } = new(null, (_, _) => { }, _ => { }, (_, _) => { });
}
