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
    /// <summary>Topic of "a task is ready now" (payload: its ready-index key).</summary>
    public const string ReadyTopic = "buquet-ready";

    /// <summary>Topic of "cancellation was requested" (payload: the task id).</summary>
    public const string CancelTopic = "buquet-cancel";

    /// <summary>Prefix of a ready payload.</summary>
    public const string ReadyKind = "ready ";

    /// <summary>Prefix of a cancel payload.</summary>
    public const string CancelKind = "cancel ";

    /// <summary>Marker for the bridge's messages.</summary>
    public interface IFleetBridgeMessage;

    /// <summary>Publish <paramref name="Payload"/> on <paramref name="Topic"/> to every member (this one included).</summary>
    public sealed record Publish(string Topic, string Payload) : IFleetBridgeMessage;

    /// <summary>Props of the bridge delivering to <paramref name="inbox"/> and reporting to <paramref name="status"/>.</summary>
    public static Props Props(FleetInbox inbox, Action<int> status) =>
        ActorProps.FromFactory(() => new FleetBridgeActor(inbox, status));
}

/// <summary>Where pushed signals go in this process: the worker's supervisor, in hosting.</summary>
/// <param name="TaskReady">A task became ready (its ready-index key).</param>
/// <param name="CancelRequested">Cancellation of a task was requested.</param>
internal sealed record FleetInbox(Action<string> TaskReady, Action<Guid> CancelRequested);
