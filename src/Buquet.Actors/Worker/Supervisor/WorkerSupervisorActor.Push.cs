using Akka.Actor;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.Claimers;
using Buquet.Actors.Worker.Pollers;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Supervisor;

/// <summary>
/// A pushed ready key (ADR 0027): claimed directly, without a LIST. The message is not trusted: the claimer GETs the
/// task and claims it with a CAS as always, so a key already claimed, gone or never written costs one GET and nothing
/// else (the S3 cadences cover whatever a lost or wrong push pointed at).
/// </summary>
internal sealed partial class WorkerSupervisorActor
{
    private void OnTaskReadyPushed(WorkerSupervisor.TaskReadyPushed pushed)
    {
        if (!TaskKeys.TryParseIndexKey(pushed.ReadyKey, out var key) || key.Kind != IndexKind.Ready
            || !string.Equals(_runtime.Repository.Shards.ShardOf(key.TaskId), key.Shard, StringComparison.Ordinal))
        {
            _logger.LogDebug("Pushed ready key {Key} is not a ready-index key of this shard space; ignored", pushed.ReadyKey);
            return;
        }

        if (pushed.TaskType is { } type && !_runtime.Claims(type))
        {
            return; // another handler group's task: its own copy of the push went to one of that group's workers
        }

        if (_inFlight.ContainsKey(key.TaskId) || _claiming.ContainsKey(key.TaskId))
        {
            return;
        }

        if (Free <= 0)
        {
            // No slot now: the poller polls as soon as one frees (a LIST then, as for a moved hint).
            _poller?.Tell(new Poller.Pushed(pushed.ReadyKey));
            return;
        }

        _claiming[key.TaskId] = new Claiming(PickupPath.Push, Direct: true);
        Context.ActorOf(Claimer.Props(_runtime, key.TaskId, _runtime.Repository.KeyOf(key.TaskId)), $"claim-{key.TaskId:N}-{++_spawned}");
        _poller?.Tell(new Poller.Capacity(Free));
        AssertInvariants();
    }

    /// <summary>A claim under way: the path that woke it, and whether it is a pushed key claimed outside a poller batch.</summary>
    private readonly record struct Claiming(PickupPath Path, bool Direct);
}
